// RUN: unit-scale-opt %s --uscale-offload-to-gpu="block-size=128" | FileCheck %s
// RUN: unit-scale-opt %s --uscale-offload-to-gpu="emulate=true" | FileCheck %s --check-prefix=EMU
// RUN: not unit-scale-opt %s --uscale-offload-to-gpu="block-size=2048" -o /dev/null 2>&1 | FileCheck %s --check-prefix=BAD

// What uscale-offload-to-gpu does to a bufferized step (loops on memrefs,
// as convert-linalg-to-parallel-loops leaves them):
// - arguments are the caller's device memory: the input %x is read in
//   place by the kernel;
// - the out-parameter %out is stored to by host code (the zero before the
//   reduction), so it is copied (cuMemcpy) into a managed buffer at entry
//   and, since the step writes it, back before the return;
// - the temporary and the constant live in device memory: only kernels
//   and copies touch them;
// - the 2-D elementwise loop is one loop over 4 * 300 = 1200 elements,
//   tiled into blocks x threads with a bounds guard; a loop this short
//   gets 32 threads per block (not the block size, 128), so its blocks
//   spread over more SMs;
// - the sequential reduction into %out runs as a one-thread kernel.
// CHECK-LABEL: func.func @step(
// CHECK-SAME: %[[X:.*]]: memref<4x300xf32>, %[[OUT:.*]]: memref<f32>)
// CHECK-DAG: %[[OM:.*]] = gpu.alloc  host_shared () : memref<f32>
// CHECK-DAG: gpu.memcpy async [%{{.*}}] %[[OM]], %[[OUT]]
// CHECK-DAG: %[[G:.*]] = memref.get_global @two
// CHECK-DAG: %[[GM:.*]], %{{.*}} = gpu.alloc async [%{{.*}}] () : memref<f32>
// CHECK-DAG: gpu.memcpy async [%{{.*}}] %[[GM]], %[[G]]
// CHECK-NOT: memref.copy
// CHECK-NOT: gpu.memcpy {{.*}}%[[X]]
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
// CHECK: memref.store %{{.*}}, %[[OM]][]
// CHECK: scf.parallel
// CHECK:   scf.parallel
// CHECK:     scf.for
// CHECK:       memref.load %[[T]]
// CHECK:       memref.store {{.*}}, %[[OM]][]
// CHECK:   } {mapping = [#gpu.loop_dim_map<processor = thread_x
// CHECK: } {mapping = [#gpu.loop_dim_map<processor = block_x
// CHECK: %[[W0:.*]] = gpu.wait async
// CHECK: gpu.dealloc async [%[[W0]]] %[[T]]
// CHECK-NOT: gpu.memcpy {{.*}}%[[X]]
// CHECK: gpu.memcpy async [%{{.*}}] %[[OUT]], %[[OM]]
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
// CHECK: call @uscale_fp8_matmul_fwd(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}})
// CHECK: call @inspect(
func.func private @uscale_fp8_matmul_fwd(memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32) -> i32
func.func private @inspect(memref<128x128xf32>)
func.func @calls() {
  %f = arith.constant false
  %a = arith.constant 1.0 : f32
  %dev = memref.alloc() : memref<128x128xf32>
  %host = memref.alloc() : memref<128x128xf32>
  %d = memref.cast %dev : memref<128x128xf32> to memref<?x?xf32>
  %s = func.call @uscale_fp8_matmul_fwd(%d, %f, %d, %f, %d, %a) : (memref<?x?xf32>, i1, memref<?x?xf32>, i1, memref<?x?xf32>, f32) -> i32
  func.call @inspect(%host) : (memref<128x128xf32>) -> ()
  memref.dealloc %dev : memref<128x128xf32>
  memref.dealloc %host : memref<128x128xf32>
  return
}

// A block size above 1024 threads would not launch.
// BAD: error: uscale-offload-to-gpu: block-size must be in [1, 1024], not 2048
