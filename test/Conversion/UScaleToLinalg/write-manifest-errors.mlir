// RUN: not unit-scale-opt %s --uscale-write-manifest 2>&1 | FileCheck %s --check-prefix=NOFILE
// RUN: not unit-scale-opt %s --uscale-write-manifest='file=%t.json optimizer=adam' 2>&1 | FileCheck %s --check-prefix=MISMATCH
// RUN: unit-scale-opt %s --uscale-write-manifest='file=%t.json optimizer=sgd' -o /dev/null
// RUN: FileCheck %s --check-prefix=SGD < %t.json
// RUN: not unit-scale-opt %s --uscale-write-manifest='file=%t.json optimizer=sgd device=tpu' 2>&1 | FileCheck %s --check-prefix=DEVICE
// RUN: not unit-scale-opt %s --uscale-write-manifest='file=%t.json optimizer=sgd memory=device' 2>&1 | FileCheck %s --check-prefix=MEMORY
// RUN: unit-scale-opt %s --uscale-write-manifest='file=%t.dev.json optimizer=sgd device=gpu memory=device' -o /dev/null
// RUN: FileCheck %s --check-prefix=DEVMEM < %t.dev.json

// NOFILE: uscale-write-manifest: the file option is required
// MISMATCH: 'func.func' op has 3 results; a train step with 2 parameters and optimizer=adam has 7 (is the optimizer option the one given to uscale-autodiff?)

// DEVICE: uscale-write-manifest: unknown device 'tpu' (expected cpu or gpu)

// Device memory only for a GPU library (an offloaded one).
// MEMORY: uscale-write-manifest: memory 'device' (expected host, or device with device=gpu)
// DEVMEM: "device": "gpu",
// DEVMEM-NEXT: "memory": "device",

// SGD: "optimizer": "sgd"
// SGD-NEXT: "device": "cpu"
// SGD: "name": "m_train_step"
// SGD: "results": [
// SGD-NEXT: {
// SGD-NEXT: "role": "loss",
// SGD: "role": "param",
// SGD-NEXT: "param": "a",
// SGD: "role": "param",
// SGD-NEXT: "param": "b",
// SGD: "parameters": [
// SGD-NEXT: {
// SGD-NEXT: "name": "a",
// SGD-NEXT: "init": "ones",
// SGD: "name": "b",
// SGD-NEXT: "init": "data",
// SGD-NEXT: "dtype": "f32",
// SGD-NEXT: "shape": [
// SGD-NEXT: 2
// SGD-NEXT: ],
// SGD-NEXT: "values": [
// SGD-NEXT: 0.5,
// SGD-NEXT: -1
// SGD: "scales": [
// SGD-NEXT: {
// SGD-NEXT: "function": "m",
// SGD-NEXT: "op": "uscale.mul",
// SGD: "alpha": 2,
func.func @m(%a: tensor<2xf32> {uscale.param = "a", uscale.init = "ones"}, %b: tensor<2xf32> {uscale.param = "b", uscale.init = "data", uscale.value = dense<[0.5, -1.0]> : tensor<2xf32>}) -> tensor<f32> {
  %p = uscale.mul %a, %b scales <alpha = 2.0, beta = [1.0, 1.0]> : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %s = uscale.reduce_sum %p axes = [0] {keepdims = false} : tensor<2xf32> -> tensor<f32>
  return %s : tensor<f32>
}
func.func @m_train_step(%a: tensor<2xf32> {uscale.param = "a", uscale.init = "ones"}, %b: tensor<2xf32> {uscale.param = "b", uscale.init = "data", uscale.value = dense<[0.5, -1.0]> : tensor<2xf32>}) -> (tensor<f32>, tensor<2xf32>, tensor<2xf32>) {
  %p = uscale.mul %a, %b : (tensor<2xf32>, tensor<2xf32>) -> tensor<2xf32>
  %s = uscale.reduce_sum %p axes = [0] {keepdims = false} : tensor<2xf32> -> tensor<f32>
  return %s, %a, %b : tensor<f32>, tensor<2xf32>, tensor<2xf32>
}
