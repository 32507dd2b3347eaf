// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-async-launches))' | FileCheck %s
// RUN: unit-scale-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(uscale-gpu-async-launches{shared-stream=true}))' | FileCheck %s --check-prefix=SHARED

// What uscale-offload-to-gpu and convert-parallel-loops-to-gpu leave:
// synchronous launches, and allocations, copies and frees each on a stream
// of its own, waited for. After the pass: one stream (the first op's), every
// op depending on the previous one's token, one wait before the host load
// and one before the return. Views, index math and managed allocations do
// not end the chain.
// CHECK-LABEL: func.func @chain
// CHECK: %[[S:.*]] = gpu.wait async
// CHECK-NEXT: %[[BUF:.*]], %[[T0:.*]] = gpu.alloc async [%[[S]]] () : memref<256xf32>
// CHECK-NEXT: %[[T1:.*]] = gpu.launch_func async [%[[T0]]] @k::@k blocks in
// CHECK-NEXT: %[[VIEW:.*]] = memref.expand_shape
// CHECK-NEXT: %[[MANAGED:.*]] = gpu.alloc host_shared () : memref<f32>
// CHECK-NEXT: %[[T2:.*]] = gpu.launch_func async [%[[T1]]] @k::@k blocks in
// CHECK-NEXT: %[[T3:.*]] = gpu.memcpy async [%[[T2]]] %[[MANAGED]]
// CHECK-NEXT: gpu.wait [%[[T3]]]
// CHECK-NEXT: memref.load %[[MANAGED]][]
// CHECK-NEXT: %[[S2:.*]] = gpu.wait async
// CHECK-NEXT: %[[T4:.*]] = gpu.launch_func async [%[[S2]]] @k::@k blocks in
// CHECK-NEXT: %[[T5:.*]] = gpu.dealloc async [%[[T4]]] %[[BUF]]
// CHECK-NEXT: gpu.wait [%[[T5]]]
// CHECK-NEXT: return
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<256xf32>) kernel {
      gpu.return
    }
  }
  func.func @chain(%out: memref<f32>) -> f32 {
    %c1 = arith.constant 1 : index
    %c256 = arith.constant 256 : index
    %s0 = gpu.wait async
    %buf, %t0 = gpu.alloc async [%s0] () : memref<256xf32>
    gpu.wait [%t0]
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1) args(%buf : memref<256xf32>)
    %view = memref.expand_shape %buf [[0, 1]] output_shape [1, 256] : memref<256xf32> into memref<1x256xf32>
    %managed = gpu.alloc host_shared () : memref<f32>
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1) args(%buf : memref<256xf32>)
    %s1 = gpu.wait async
    %t1 = gpu.memcpy async [%s1] %managed, %out : memref<f32>, memref<f32>
    gpu.wait [%t1]
    %v = memref.load %managed[] : memref<f32>
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c256, %c1, %c1) args(%buf : memref<256xf32>)
    %s2 = gpu.wait async
    %t2 = gpu.dealloc async [%s2] %buf : memref<256xf32>
    gpu.wait [%t2]
    return %v : f32
  }
}

// -----

// A call (an FP8 GEMM host entry) may read what the kernels wrote: the
// chain is waited for before it, and a new one starts after it.
// CHECK-LABEL: func.func @call_ends_chain
// CHECK: %[[S:.*]] = gpu.wait async
// CHECK-NEXT: %[[T:.*]] = gpu.launch_func async [%[[S]]]
// CHECK-NEXT: gpu.wait [%[[T]]]
// CHECK-NEXT: call @host_entry
// CHECK-NEXT: %[[S2:.*]] = gpu.wait async
// CHECK-NEXT: %[[T2:.*]] = gpu.launch_func async [%[[S2]]]
// CHECK-NEXT: gpu.wait [%[[T2]]]
// CHECK-NEXT: return
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<256xf32>) kernel {
      gpu.return
    }
  }
  func.func private @host_entry(memref<256xf32>) -> i32
  func.func @call_ends_chain(%buf: memref<256xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%buf : memref<256xf32>)
    %r = call @host_entry(%buf) : (memref<256xf32>) -> i32
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%buf : memref<256xf32>)
    return
  }
}

// -----

// Launches inside a host loop are left synchronous (the loop is an op with
// regions: the chain is waited for before it).
// CHECK-LABEL: func.func @loop
// CHECK: %[[T:.*]] = gpu.launch_func async
// CHECK-NEXT: gpu.wait [%[[T]]]
// CHECK-NEXT: scf.for
// CHECK-NEXT: gpu.launch_func @k::@k
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<256xf32>) kernel {
      gpu.return
    }
  }
  func.func @loop(%buf: memref<256xf32>) {
    %c0 = arith.constant 0 : index
    %c1 = arith.constant 1 : index
    %c4 = arith.constant 4 : index
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%buf : memref<256xf32>)
    scf.for %i = %c0 to %c4 step %c1 {
      gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%buf : memref<256xf32>)
    }
    return
  }
}

// -----

// With shared-stream (the project's runtime: one in-order stream), a call
// to an FP8 GEMM host entry only enqueues work after the chain's: the chain
// runs on across it. Another call still ends it.
// CHECK-LABEL: func.func @gemm_call
// CHECK: gpu.wait [
// CHECK-NEXT: call @uscale_fp8_matmul_fwd
// SHARED-LABEL: func.func @gemm_call
// SHARED: %[[S:.*]] = gpu.wait async
// SHARED-NEXT: %[[T:.*]] = gpu.launch_func async [%[[S]]]
// SHARED-NEXT: call @uscale_fp8_matmul_fwd
// SHARED-NEXT: %[[T2:.*]] = gpu.launch_func async [%[[T]]]
// SHARED-NEXT: gpu.wait [%[[T2]]]
// SHARED-NEXT: call @other
module attributes {gpu.container_module} {
  gpu.module @k {
    gpu.func @k(%a: memref<256xf32>) kernel {
      gpu.return
    }
  }
  func.func private @uscale_fp8_matmul_fwd(memref<256xf32>) -> i32 attributes {uscale.fp8_gemm = {variant = "fwd", a = "e4m3", b = "e4m3", tile_n = 256 : i64}}
  func.func private @other(memref<256xf32>)
  func.func @gemm_call(%buf: memref<256xf32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%buf : memref<256xf32>)
    %r = call @uscale_fp8_matmul_fwd(%buf) : (memref<256xf32>) -> i32
    gpu.launch_func @k::@k blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%buf : memref<256xf32>)
    call @other(%buf) : (memref<256xf32>) -> ()
    return
  }
}
