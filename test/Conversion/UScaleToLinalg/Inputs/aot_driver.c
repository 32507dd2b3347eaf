/* Drives libmlp.so (Inputs/aot_mlp.mlir compiled by unit-scale-compile)
 * through its C ABI only: dlopen, the packed entry points, the generated
 * header's descriptor helper. No MLIR at run time.
 *   1. prints the embedded manifest's first line;
 *   2. checks every gradient of mlp_train_step against central differences
 *      of the compiled forward `mlp` (f32: cosine and max relative error);
 *   3. runs 200 SGD steps and checks that the loss falls. */
#include "mlp.h"

#include <dlfcn.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*entry_fn)(void **);

enum { NP = 4 };
static const int64_t kShapes[NP][2] = {{4, 16}, {16, 0}, {3, 16}, {3, 0}};
static const int kRanks[NP] = {2, 1, 2, 1};
static float *params[NP], *grads[NP];
static int64_t numel(int p) {
  return kRanks[p] == 2 ? kShapes[p][0] * kShapes[p][1] : kShapes[p][0];
}

static float x[8 * 4];
static int32_t labels[8];
static entry_fn step, forward;

/* A small deterministic generator: N(0, 1) by Box-Muller over an LCG. */
static uint64_t rng = 42;
static double uniform(void) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return ((rng >> 11) + 0.5) / 9007199254740992.0;
}
static double normal(void) {
  return sqrt(-2.0 * log(uniform())) * cos(6.283185307179586 * uniform());
}

static float call_forward(void) {
  int64_t d[NP + 3][3 + 2 * 2];
  void *a[NP + 3];
  for (int p = 0; p < NP; ++p)
    a[p] = uscale_memref_init(d[p], params[p], kRanks[p], kShapes[p]);
  int64_t xs[2] = {8, 4}, ls[1] = {8};
  float loss;
  a[NP] = uscale_memref_init(d[NP], x, 2, xs);
  a[NP + 1] = uscale_memref_init(d[NP + 1], labels, 1, ls);
  a[NP + 2] = uscale_memref_init(d[NP + 2], &loss, 0, NULL);
  forward(a);
  return loss;
}

static float call_step(void) {
  /* (params, x, labels) -> (loss, grads) */
  int64_t d[2 * NP + 3][3 + 2 * 2];
  void *a[2 * NP + 3];
  int64_t xs[2] = {8, 4}, ls[1] = {8};
  float loss;
  for (int p = 0; p < NP; ++p)
    a[p] = uscale_memref_init(d[p], params[p], kRanks[p], kShapes[p]);
  a[NP] = uscale_memref_init(d[NP], x, 2, xs);
  a[NP + 1] = uscale_memref_init(d[NP + 1], labels, 1, ls);
  a[NP + 2] = uscale_memref_init(d[NP + 2], &loss, 0, NULL);
  for (int p = 0; p < NP; ++p)
    a[NP + 3 + p] =
        uscale_memref_init(d[NP + 3 + p], grads[p], kRanks[p], kShapes[p]);
  step(a);
  return loss;
}

int main(int argc, char **argv) {
  void *lib = dlopen(argv[1], RTLD_NOW);
  if (!lib) {
    fprintf(stderr, "%s\n", dlerror());
    return 1;
  }
  const char *(*manifest)(void) = dlsym(lib, "uscale_manifest");
  step = (entry_fn)dlsym(lib, "uscale_mlp_train_step");
  forward = (entry_fn)dlsym(lib, "uscale_mlp");
  if (!manifest || !step || !forward) {
    fprintf(stderr, "missing entry points\n");
    return 1;
  }
  const char *m = manifest();
  printf("manifest: %.*s\n", (int)(strchr(m, '\n') - m), m);

  for (int p = 0; p < NP; ++p) {
    params[p] = malloc(sizeof(float) * numel(p));
    grads[p] = malloc(sizeof(float) * numel(p));
    for (int64_t i = 0; i < numel(p); ++i)
      params[p][i] = (p % 2 == 0) ? (float)(normal() / sqrt(kShapes[p][p == 2 ? 1 : 0]))
                                  : 0.0f;
  }
  for (int i = 0; i < 8 * 4; ++i)
    x[i] = (float)normal();
  for (int i = 0; i < 8; ++i)
    labels[i] = i % 3;

  float loss0 = call_step();
  float fwd0 = call_forward();
  printf("forward matches step: %d\n", fabsf(loss0 - fwd0) <= 1e-6f * fabsf(loss0));

  /* Central differences of the forward, in double from f32 losses. */
  const float h = 1e-2f;
  for (int p = 0; p < NP; ++p) {
    double dot = 0, nf = 0, ng = 0, maxerr = 0, maxg = 0;
    for (int64_t i = 0; i < numel(p); ++i) {
      float v = params[p][i];
      params[p][i] = v + h;
      double lp = call_forward();
      params[p][i] = v - h;
      double lm = call_forward();
      params[p][i] = v;
      double fd = (lp - lm) / (2.0 * h), g = grads[p][i];
      dot += fd * g;
      nf += fd * fd;
      ng += g * g;
      if (fabs(fd - g) > maxerr)
        maxerr = fabs(fd - g);
      if (fabs(g) > maxg)
        maxg = fabs(g);
    }
    double cosine = dot / sqrt(nf * ng);
    printf("param %d: cosine %.6f rel.err %.2e ok %d\n", p, cosine,
           maxerr / maxg, cosine > 0.9999 && maxerr < 1e-2 * maxg);
  }

  /* Plain SGD driven from C. */
  float loss = loss0;
  for (int it = 0; it < 200; ++it) {
    loss = call_step();
    for (int p = 0; p < NP; ++p)
      for (int64_t i = 0; i < numel(p); ++i)
        params[p][i] -= 0.5f * grads[p][i];
  }
  printf("loss %.4f -> %.4f, fell below half: %d\n", loss0, loss,
         loss < 0.5f * loss0);
  return 0;
}
