/* A stand-in for a model library built by unit-scale-compile --device gpu,
 * for session-device-memory.test: a manifest and two entry points written
 * in C that do on the caller's buffers what the test can predict. With
 * FAKE_MODEL_MEMORY=device its manifest says "memory": "device", so the
 * runner passes its device copies (host memory under failing-libcuda's
 * FAILING_LIBCUDA_HOST_MEMORY); without it, "host". Both must train to the
 * same losses. One parameter w[4] (ones), Adam-shaped state:
 *   train step: loss = sum(w * x) + step; m' = m + x; v' = v + 1;
 *               w' = w - 0.125 * m'
 *   forward:    loss = sum(w * x)
 * It links libuscale_cuda_runtime.so, as a real GPU library does. */
#include <stdint.h>
#include <stdlib.h>

typedef struct {
  float *allocated, *aligned;
  int64_t offset, sizes[1], strides[1];
} Vec;
typedef struct {
  float *allocated, *aligned;
  int64_t offset;
} Scalar;

#define SPEC(role, extra) "{\"role\": \"" role "\", " extra "\"dtype\": \"f32\", "
#define VEC "\"shape\": [4]}"
#define SCALAR "\"shape\": []}"

static const char *manifest(int device) {
  static char text[4096];
  static const char *body =
      "\"functions\": ["
      "{\"name\": \"fake\", \"kind\": \"forward\", \"packed\": \"fake_forward\", "
      "\"args\": [" SPEC("param", "\"param\": \"w\", ") VEC ", " SPEC("input", "") VEC "], "
      "\"results\": [" SPEC("loss", "") SCALAR "]}, "
      "{\"name\": \"fake_train_step\", \"kind\": \"train_step\", \"packed\": \"fake_train_step\", "
      "\"args\": [" SPEC("param", "\"param\": \"w\", ") VEC ", "
      SPEC("adam_m", "\"param\": \"w\", ") VEC ", " SPEC("adam_v", "\"param\": \"w\", ") VEC ", "
      SPEC("adam_step", "") SCALAR ", " SPEC("input", "") VEC "], "
      "\"results\": [" SPEC("loss", "") SCALAR ", " SPEC("param", "\"param\": \"w\", ") VEC ", "
      SPEC("adam_m", "\"param\": \"w\", ") VEC ", " SPEC("adam_v", "\"param\": \"w\", ") VEC "]}], "
      "\"parameters\": [{\"name\": \"w\", \"init\": \"ones\", \"dtype\": \"f32\", \"shape\": [4]}]}";
  char *p = text;
  const char *head = "{\"format\": \"unit-scale-manifest/1\", \"abi\": "
                     "\"memref-descriptors/out-params\", \"optimizer\": "
                     "\"adam\", \"device\": \"gpu\", ";
  const char *mem = device ? "\"memory\": \"device\", " : "";
  for (const char *s = head; *s;)
    *p++ = *s++;
  for (const char *s = mem; *s;)
    *p++ = *s++;
  for (const char *s = body; *s;)
    *p++ = *s++;
  *p = 0;
  return text;
}

const char *uscale_manifest(void) {
  const char *m = getenv("FAKE_MODEL_MEMORY");
  return manifest(m && m[0] == 'd');
}

static float dot(Vec *a, Vec *b) {
  float s = 0;
  for (int i = 0; i < 4; ++i)
    s += a->aligned[a->offset + i] * b->aligned[b->offset + i];
  return s;
}

void fake_forward(void **d) {
  Vec *w = d[0], *x = d[1];
  Scalar *loss = d[2];
  loss->aligned[loss->offset] = dot(w, x);
}

void fake_train_step(void **d) {
  Vec *w = d[0], *m = d[1], *v = d[2], *x = d[4];
  Scalar *step = d[3], *loss = d[5];
  Vec *w2 = d[6], *m2 = d[7], *v2 = d[8];
  loss->aligned[loss->offset] = dot(w, x) + step->aligned[step->offset];
  for (int i = 0; i < 4; ++i) {
    float mi = m->aligned[m->offset + i] + x->aligned[x->offset + i];
    m2->aligned[m2->offset + i] = mi;
    v2->aligned[v2->offset + i] = v->aligned[v->offset + i] + 1;
    w2->aligned[w2->offset + i] = w->aligned[w->offset + i] - 0.125f * mi;
  }
}
