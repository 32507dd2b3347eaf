/* Times one packed entry point of a library built by unit-scale-compile.
 *
 *   time_entry LIB SYMBOL REPS SPEC...
 *
 * SPEC is one per descriptor, arguments then results, as DTYPE:SHAPE
 * (f32:512x512, i64:64, f32: for a scalar); bench/cpu_gemm.sh derives them
 * from the manifest. Floats are uniform in [-1, 1) (an f32/f64 scalar
 * argument, e.g. Adam's step, is 1), integers 0 (valid token ids and
 * labels). Results go to their own buffers, so parameters are not updated
 * between calls: every call does the same work. Prints the median and the
 * fastest wall time and the median CPU time (process CPU clock: on a shared
 * machine it counts only the time this process actually ran) in ms. */
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double clock_ms(clockid_t c) {
  struct timespec t;
  clock_gettime(c, &t);
  return t.tv_sec * 1e3 + t.tv_nsec * 1e-6;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 4) {
    fprintf(stderr, "usage: %s LIB SYMBOL REPS SPEC...\n", argv[0]);
    return 2;
  }
  void *lib = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  if (!lib) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  void (*fn)(void **) = (void (*)(void **))dlsym(lib, argv[2]);
  if (!fn) {
    fprintf(stderr, "%s: no %s\n", argv[1], argv[2]);
    return 1;
  }
  int reps = atoi(argv[3]), n = argc - 4;
  void **d = calloc((size_t)n, sizeof(void *));
  uint64_t rng = 1;
  for (int i = 0; i < n; ++i) {
    char dt[8] = {0};
    const char *colon = strchr(argv[4 + i], ':');
    if (!colon || colon - argv[4 + i] >= 8) {
      fprintf(stderr, "bad spec %s\n", argv[4 + i]);
      return 2;
    }
    memcpy(dt, argv[4 + i], (size_t)(colon - argv[4 + i]));
    int64_t shape[8], rank = 0, numel = 1;
    for (const char *s = colon + 1; *s;) {
      shape[rank] = strtoll(s, (char **)&s, 10);
      numel *= shape[rank++];
      if (*s == 'x')
        ++s;
    }
    int is_float = dt[0] == 'f';
    size_t esize = strcmp(dt, "f64") == 0 || strcmp(dt, "i64") == 0   ? 8
                   : strcmp(dt, "f32") == 0 || strcmp(dt, "i32") == 0 ? 4
                   : strcmp(dt, "i8") == 0 || strcmp(dt, "i1") == 0   ? 1
                                                                      : 2;
    char *data = aligned_alloc(64, ((size_t)numel * esize + 63) / 64 * 64);
    memset(data, 0, (size_t)numel * esize);
    for (int64_t e = 0; is_float && e < numel; ++e) {
      rng = rng * 6364136223846793005ull + 1442695040888963407ull;
      double u = rank == 0 ? 1.0 : ((rng >> 11) * 0x1p-53) * 2 - 1;
      if (esize == 8)
        ((double *)data)[e] = u;
      else if (esize == 4)
        ((float *)data)[e] = (float)u;
    }
    int64_t *desc = calloc((size_t)(3 + 2 * rank), sizeof(int64_t));
    ((void **)desc)[0] = ((void **)desc)[1] = data;
    for (int64_t r = rank - 1, stride = 1; r >= 0; stride *= shape[r--]) {
      desc[3 + r] = shape[r];
      desc[3 + rank + r] = stride;
    }
    d[i] = desc;
  }
  fn(d); /* warm-up: page faults, caches */
  double *wall = malloc(sizeof(double) * (size_t)reps),
         *cpu = malloc(sizeof(double) * (size_t)reps);
  for (int r = 0; r < reps; ++r) {
    double w = clock_ms(CLOCK_MONOTONIC),
           c = clock_ms(CLOCK_PROCESS_CPUTIME_ID);
    fn(d);
    cpu[r] = clock_ms(CLOCK_PROCESS_CPUTIME_ID) - c;
    wall[r] = clock_ms(CLOCK_MONOTONIC) - w;
  }
  qsort(wall, (size_t)reps, sizeof(double), cmp);
  qsort(cpu, (size_t)reps, sizeof(double), cmp);
  printf("median %.3f min %.3f cpu %.3f\n", wall[reps / 2], wall[0],
         cpu[reps / 2]);
  return 0;
}
