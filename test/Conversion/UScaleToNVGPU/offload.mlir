// RUN: unit-scale-opt %s --uscale-offload-to-gpu="block-size=128" | FileCheck %s
// RUN: unit-scale-opt %s --uscale-offload-to-gpu="emulate=true" | FileCheck %s --check-prefix=EMU
// RUN: not unit-scale-opt %s --uscale-offload-to-gpu="block-size=2048" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// What uscale-offload-to-gpu does to a bufferized step (loops on memrefs,
// as convert-linalg-to-parallel-loops leaves them):
// - arguments are the caller's device memory, used in place: the input %x
//   is read by a kernel, the out-parameter %out written by one;
// - the temporary and the constant live in device memory: only kernels
//   and copies touch them;
// - the 2-D elementwise loop is one loop over 4 * 300 = 1200 elements,
//   tiled into blocks x threads with a bounds guard; a loop this short
//   gets 32 threads per block (not the block size, 128), so its blocks
//   spread over more SMs;
// - the host code after it (the zero stored to %out, then the sequential
//   reduction into %out) runs as one one-thread kernel: no host code
//   touches device data, so nothing is managed memory and nothing waits
//   for the GPU.
// CHECK-LABEL: func.func @step(
// CHECK-SAME: %[[X:.*]]: memref<4x300xf32>, %[[OUT:.*]]: memref<f32>)
// CHECK-NOT: host_shared
// CHECK-DAG: %[[G:.*]] = memref.get_global @two
// CHECK-DAG: %[[GM:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<f32>
// CHECK-DAG: gpu.memcpy async [%{{.*}}] %[[GM]], %[[G]]
// CHECK-NOT: memref.copy
// CHECK-NOT: gpu.memcpy {{.*}}%[[X]]
// CHECK-NOT: gpu.memcpy {{.*}}%[[OUT]]
// CHECK: %[[T:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<4x300xf32>
// CHECK: arith.constant 32 : index
// CHECK: scf.parallel (%[[B:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK:   scf.parallel (%[[TH:.*]]) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK:     scf.if
// CHECK:       memref.load %[[X]]
// CHECK:       memref.load %[[GM]][]
// CHECK:       memref.store {{.*}}, %[[T]]
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x, map = (d0) -> (d0), bound = (d0) -> (d0)>]}
// CHECK: scf.parallel
// CHECK:   scf.parallel
// CHECK:     memref.store %{{.*}}, %[[OUT]][]
// CHECK:     scf.for
// CHECK:       memref.load %[[T]]
// CHECK:       memref.store {{.*}}, %[[OUT]][]
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK: %[[W0:.*]] = gpu.wait async
// CHECK: gpu.dealloc async [%[[W0]]] %[[T]]
// CHECK-NOT: gpu.memcpy
// CHECK-NOT: memref.copy
// CHECK: return
//
// EMU-LABEL: func.func @step(
// EMU-NOT: gpu.
// EMU: memref.copy
// EMU: memref.alloc() : memref<4x300xf32>
// EMU: mapping
// EMU: memref.dealloc
memref.global "private" constant @two : memref<f32> = dense<2.0>
func.func @step(%x: memref<4x300xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c300 = arith.constant 300 : index
  %zero = arith.constant 0.0 : f32
  %two = memref.get_global @two : memref<f32>
  %t = memref.alloc() : memref<4x300xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c300) step (%c1, %c1) {
    %v = memref.load %x[%i, %j] : memref<4x300xf32>
    %s = memref.load %two[] : memref<f32>
    %p = arith.mulf %v, %s : f32
    memref.store %p, %t[%i, %j] : memref<4x300xf32>
    scf.reduce
  }
  memref.store %zero, %out[] : memref<f32>
  scf.for %i = %c0 to %c4 step %c1 {
    scf.for %j = %c0 to %c300 step %c1 {
      %v = memref.load %t[%i, %j] : memref<4x300xf32>
      %a = memref.load %out[] : memref<f32>
      %b = arith.addf %a, %v : f32
      memref.store %b, %out[] : memref<f32>
    }
  }
  memref.dealloc %t : memref<4x300xf32>
  return
}

// A long loop (2^20 elements, 4096 blocks of 256 wanted) gets the full
// block size.
// CHECK-LABEL: func.func @long
// CHECK: %[[BS:.*]] = arith.constant 128 : index
// CHECK: %[[TILE:.*]] = arith.muli %{{.*}}, %[[BS]] : index
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%[[TILE]]) {
// CHECK:   scf.parallel (%{{.*}}) = (%{{.*}}) to (%[[TILE]]) step (%{{.*}}) {
func.func @long(%x: memref<1048576xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = arith.constant 1048576 : index
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    %v = memref.load %x[%i] : memref<1048576xf32>
    %d = arith.addf %v, %v : f32
    memref.store %d, %x[%i] : memref<1048576xf32>
    scf.reduce
  }
  return
}

// Calls: the FP8 GEMM host entries only cuMemcpy their operands, so a
// buffer passed to one stays device memory; a buffer passed to any other
// function may be read on the host, so it is managed memory.
// CHECK-LABEL: func.func @calls
// CHECK-DAG: %[[DEV:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<128x128xf32>
// CHECK-DAG: %[[HOST:.*]] = gpu.alloc  host_shared () : memref<128x128xf32>
// CHECK: call @uscale_fp8_matmul_fwd(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: call @inspect(
func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32
func.func private @inspect(memref<128x128xf32>)
func.func @calls() {
  %f = arith.constant false
  %a = arith.constant 1.0 : f32
  %one = arith.constant 1 : index
  %dev = memref.alloc() : memref<128x128xf32>
  %host = memref.alloc() : memref<128x128xf32>
  %d = memref.cast %dev : memref<128x128xf32> to memref<?x?xf32>
  %s = func.call @uscale_fp8_matmul_fwd(%d, %f, %d, %f, %d, %a, %one, %one, %one) : (memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32, index, index, index) -> i32
  func.call @inspect(%host) : (memref<128x128xf32>) -> ()
  memref.dealloc %dev : memref<128x128xf32>
  memref.dealloc %host : memref<128x128xf32>
  return
}

// Scalar host code on device data (Adam's bias corrections from the step
// count, and their sum into the out-parameter): the run of loads,
// arithmetic and stores, allocations between them left in place, is one
// one-thread kernel, so the step count, the corrections and the result
// stay device memory. A value the host needs (an allocation's size) is
// loaded on the host, before the kernel: its buffer is managed memory.
// CHECK-LABEL: func.func @scalars(
// CHECK-SAME: %[[STEP:.*]]: memref<f32>, %[[N:.*]]: memref<index>, %[[OUT:.*]]: memref<f32>
// CHECK: %[[NM:.*]] = gpu.alloc  host_shared () : memref<index>
// CHECK: gpu.memcpy async [%{{.*}}] %[[NM]], %[[N]]
// CHECK-NOT: host_shared
// CHECK: %[[C1:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<f32>
// CHECK: %[[C2:.*]], %{{.*}} = gpu.alloc async {{.*}} : memref<f32>
// CHECK: %[[LEN:.*]] = memref.load %[[NM]][]
// CHECK: gpu.alloc async [%{{.*}}] (%[[LEN]])
// CHECK: scf.parallel
// CHECK:   scf.parallel
// CHECK:     %[[S:.*]] = memref.load %[[STEP]][]
// CHECK:     math.powf %{{.*}}, %[[S]]
// CHECK:     memref.store %{{.*}}, %[[C1]][]
// CHECK:     memref.load %[[STEP]][]
// CHECK:     math.powf
// CHECK:     memref.store %{{.*}}, %[[C2]][]
// CHECK:     memref.load %[[C1]][]
// CHECK:     memref.load %[[C2]][]
// CHECK:     memref.store %{{.*}}, %[[OUT]][]
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK-NOT: scf.parallel
// CHECK-NOT: gpu.memcpy {{.*}}%[[STEP]]
// CHECK-NOT: gpu.memcpy {{.*}}%[[OUT]]
// CHECK: return
func.func @scalars(%step: memref<f32>, %n: memref<index>, %out: memref<f32>) {
  %one = arith.constant 1.0 : f32
  %c1 = memref.alloc() : memref<f32>
  %s = memref.load %step[] : memref<f32>
  %half = arith.constant 0.5 : f32
  %p = math.powf %half, %s : f32
  %q = arith.subf %one, %p : f32
  memref.store %q, %c1[] : memref<f32>
  %c2 = memref.alloc() : memref<f32>
  %s2 = memref.load %step[] : memref<f32>
  %p2 = math.powf %half, %s2 : f32
  %q2 = arith.subf %one, %p2 : f32
  memref.store %q2, %c2[] : memref<f32>
  %len = memref.load %n[] : memref<index>
  %buf = memref.alloc(%len) : memref<?xf32>
  %a = memref.load %c1[] : memref<f32>
  %b = memref.load %c2[] : memref<f32>
  %r = arith.addf %a, %b : f32
  memref.store %r, %out[] : memref<f32>
  memref.dealloc %buf : memref<?xf32>
  memref.dealloc %c1 : memref<f32>
  memref.dealloc %c2 : memref<f32>
  return
}

// A run the host needs a value of, where moving the rest into a kernel
// would put a store after the host's load of the same buffer: the whole
// run stays on the host (its buffer managed memory, copied in and out).
// CHECK-LABEL: func.func @reorder(
// CHECK-SAME: %[[A:.*]]: memref<index>
// CHECK: %[[AM:.*]] = gpu.alloc  host_shared () : memref<index>
// CHECK-NOT: scf.parallel
// CHECK: memref.store %{{.*}}, %[[AM]][]
// CHECK-NEXT: %[[N:.*]] = memref.load %[[AM]][]
// CHECK: gpu.alloc async [%{{.*}}] (%[[N]])
// CHECK-NOT: scf.parallel
// CHECK: gpu.memcpy async [%{{.*}}] %[[A]], %[[AM]]
// CHECK: return
func.func @reorder(%a: memref<index>) {
  %c = arith.constant 3 : index
  memref.store %c, %a[] : memref<index>
  %n = memref.load %a[] : memref<index>
  %buf = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %buf : memref<?xf32>
  return
}

// A block size above 1024 threads would not launch.
// BAD: error: uscale-offload-to-gpu: block-size must be in [1, 1024], not 2048
