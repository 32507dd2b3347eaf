/* Runs Inputs/aot_gemm.mlir compiled twice, with the GEMM kernel calls
 * (argv[1]) and as plain loops (argv[2], --no-gemm-calls), on the same
 * random inputs, and prints the largest difference of every result
 * relative to that result's largest magnitude. The loops are the
 * reference: exec-contraction.mlir checks them against hand values. */
#include <dlfcn.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

typedef void (*entry_fn)(void **);

static uint64_t rng = 7;
static double uniform(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return ((rng >> 11) + 0.5) / 9007199254740992.0 * 2 - 1;
}

/* One tensor: data and a row-major descriptor (rank <= 4). */
typedef struct {
  int rank, f64;
  int64_t shape[4], numel;
  void *data;
  int64_t desc[3 + 2 * 4];
} tensor;

static void make(tensor *t, int f64, int rank, const int64_t *shape, int fill) {
  t->rank = rank, t->f64 = f64, t->numel = 1;
  for (int i = 0; i < rank; ++i)
    t->numel *= t->shape[i] = shape[i];
  t->data = calloc((size_t)t->numel, f64 ? 8 : 4);
  for (int64_t i = 0; fill && i < t->numel; ++i) {
    if (f64)
      ((double *)t->data)[i] = uniform();
    else
      ((float *)t->data)[i] = (float)uniform();
  }
  void **p = (void **)t->desc;
  p[0] = p[1] = t->data;
  t->desc[2] = 0;
  int64_t stride = 1;
  for (int i = rank - 1; i >= 0; --i) {
    t->desc[3 + i] = shape[i];
    t->desc[3 + rank + i] = stride;
    stride *= shape[i];
  }
}

static double get(const tensor *t, int64_t i) {
  return t->f64 ? ((double *)t->data)[i] : ((float *)t->data)[i];
}

/* Calls fn of both libraries; inputs shared, outputs per library. */
static void compare(entry_fn fast, entry_fn loops, const char *name, int f64,
                    int nin, const int *ranks, const int64_t (*shapes)[4],
                    int nout) {
  tensor in[8], out[2][4];
  void *d[2][12];
  for (int i = 0; i < nin; ++i) {
    make(&in[i], f64, ranks[i], shapes[i], 1);
    d[0][i] = d[1][i] = in[i].desc;
  }
  for (int l = 0; l < 2; ++l)
    for (int o = 0; o < nout; ++o) {
      make(&out[l][o], f64, ranks[nin + o], shapes[nin + o], 0);
      d[l][nin + o] = out[l][o].desc;
    }
  fast(d[0]);
  loops(d[1]);
  for (int o = 0; o < nout; ++o) {
    double maxdiff = 0, maxabs = 0;
    for (int64_t i = 0; i < out[0][o].numel; ++i) {
      double a = get(&out[0][o], i), b = get(&out[1][o], i);
      maxdiff = fmax(maxdiff, fabs(a - b));
      maxabs = fmax(maxabs, fabs(b));
    }
    double rel = maxdiff / maxabs;
    printf("%s result %d: numel %lld max rel diff %.2e ok %d\n", name, o,
           (long long)out[0][o].numel, rel,
           maxabs > 0 && rel < (f64 ? 1e-12 : 1e-5));
  }
}

int main(int argc, char **argv) {
  void *fast = dlopen(argv[1], RTLD_NOW | RTLD_LOCAL);
  void *loops = dlopen(argv[2], RTLD_NOW | RTLD_LOCAL);
  if (!fast || !loops) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  static const int r32[] = {3, 2, 1, 4, 4, 2, 2, 3, 4, 2};
  static const int64_t s32[][4] = {
      {2, 13, 37}, {21, 37},  {21},        {2, 3, 7, 19}, {1, 3, 19, 17},
      {5, 300},    {300, 40}, {2, 13, 21}, {2, 3, 7, 17}, {5, 40}};
  compare((entry_fn)dlsym(fast, "uscale_gemm32"),
          (entry_fn)dlsym(loops, "uscale_gemm32"), "gemm32", 0, 7, r32, s32, 3);
  static const int r64[] = {3, 2, 3, 3, 3, 3};
  static const int64_t s64[][4] = {{3, 29, 33}, {33, 40},    {2, 7, 19},
                                   {2, 19, 9},  {3, 29, 40}, {2, 7, 9}};
  compare((entry_fn)dlsym(fast, "uscale_gemm64"),
          (entry_fn)dlsym(loops, "uscale_gemm64"), "gemm64", 1, 4, r64, s64, 2);
  return 0;
}
