/* Calls libpick.so's uscale_pick on a 4x6 matrix 0..23 and prints the
 * 4x3 result (columns 1, 3, 5). */
#include "pick.h"

#include <dlfcn.h>
#include <stdio.h>

int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  void (*pick)(void **) = (void (*)(void **))dlsym(lib, "uscale_pick");
  float x[24], y[12];
  for (int i = 0; i < 24; ++i)
    x[i] = (float)i;
  int64_t xs[2] = {4, 6}, ys[2] = {4, 3}, dx[7], dy[7];
  void *d[2] = {uscale_memref_init(dx, x, 2, xs),
                uscale_memref_init(dy, y, 2, ys)};
  pick(d);
  for (int r = 0; r < 4; ++r)
    printf("%g %g %g\n", y[3 * r], y[3 * r + 1], y[3 * r + 2]);
  return 0;
}
