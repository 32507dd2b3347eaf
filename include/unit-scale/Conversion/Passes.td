//===- Passes.td - uscale conversion passes -------------------*- tablegen -*-===//
#ifndef USCALE_CONVERSION_PASSES_TD
#define USCALE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def UScaleToLinalg : Pass<"uscale-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower uscale ops to linalg, tensor, arith and math on tensors";
  let description = [{
    Rewrites every `uscale` op of a function into upstream ops on tensors
    (linalg.generic / matmul / batch_matmul / reduce / transpose / fill,
    tensor.empty / expand_shape / collapse_shape / extract_slice /
    insert_slice / extract, arith, math, and scf.for for scatter_add).

    Scale semantics: an op with a `scales` attribute computes
    `alpha * f(x)` (for matmul and linear the multiply is the GEMM
    epilogue); without `scales` it computes plain `f`. The fixed-scale ops
    (`scale`, `weighted_add`, `residual_split`) are defined by their own
    attributes and ignore the alpha in `scales` (which equals them).

    `uscale.parameter` ops with `init data` become `arith.constant`; any
    other parameter is an error: run `uscale-autodiff` (or
    `uscale-parameters-to-arguments`) first so that parameters are function
    arguments. Any uscale op left behind fails the pass with its name.

    Dropout draws its mask from a counter-based hash of (seed, linear
    element index) (see docs/cpu-lowering.md), so the backward dropout that
    uscale-autodiff builds with the same seed applies the same mask.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def ParametersToArguments
    : Pass<"uscale-parameters-to-arguments", "::mlir::ModuleOp"> {
  let summary = "Turn uscale.parameter ops into leading function arguments";
  let description = [{
    For each function with `uscale.parameter` ops, removes them and adds one
    leading argument per parameter, in program order, with the argument
    attributes uscale-autodiff gives a train step's parameters:
    `uscale.param` (name), `uscale.init` (normal | zeros | ones | data) and,
    for `init data`, `uscale.value`. Run after uscale-autodiff, it gives the
    forward function the train step's leading parameters, so a runner can
    evaluate the loss (e.g. on validation data) with the same buffers.
    A function that is called from elsewhere is left alone with an error.
  }];
}

def WriteManifest : Pass<"uscale-write-manifest", "::mlir::ModuleOp"> {
  let summary = "Write the JSON manifest of a compiled model's functions";
  let description = [{
    Writes `file`: for every public function with a body, its name, the
    C entry points of the native library (`_mlir_ciface_<name>` and the
    packed `uscale_<name>`), and each argument and result with its role
    (param, adam_m, adam_v, adam_step, input; loss, grad, param, adam_m,
    adam_v, output), parameter name, dtype and shape; every parameter once
    with its init kind (and values for `init data`); and the scales of
    every scaled op of the forward functions. Run it after uscale-autodiff
    and uscale-parameters-to-arguments, before lowering. `optimizer` must be
    the one given to uscale-autodiff: it says what a train step's results
    are. `device` records which lowering follows (a GPU library needs the
    CUDA runtime and a GPU to run), `memory` where arguments live (written
    only when "device"). docs/cpu-lowering.md documents the format.
  }];
  let options = [
    Option<"file", "file", "std::string", /*default=*/"\"\"",
           "Where to write the manifest (required)">,
    Option<"optimizer", "optimizer", "std::string", /*default=*/"\"none\"",
           "none | sgd | adam, as given to uscale-autodiff">,
    Option<"device", "device", "std::string", /*default=*/"\"cpu\"",
           "cpu | gpu: the lowering the library is built with "
           "(uscale-lower-to-llvm or uscale-lower-to-gpu); runners check it">,
    Option<"memory", "memory", "std::string", /*default=*/"\"host\"",
           "host | device: where the functions' arguments and results live. "
           "device (with uscale-lower-to-gpu{offload}): the caller passes "
           "device memory, e.g. parameters it keeps on the GPU">
  ];
}

def FuseElementwise : Pass<"uscale-fuse-elementwise", "::mlir::func::FuncOp"> {
  let summary = "Fuse chains of elementwise linalg.generic ops; fold splat constants into them";
  let description = [{
    Upstream's elementwise fusion (`linalg::populateElementwiseOpsFusionPatterns`)
    with reshape propagation (`linalg::populateFoldReshapeOpsByExpansionPatterns`)
    only across elementwise generics: a reshape between two elementwise
    ops moves out of the way (the first op's loops are expanded) so they
    fuse, while contractions keep their shape (a GEMM expanded into a
    generic contraction would be taken away from uscale-cpu-gemm-calls and
    the FP8 kernels). A `linalg.transpose` becomes a generic where that lets
    it fuse: its one user, or the producer of its input (used only there),
    is an elementwise generic. A producer is fused only when it is
    elementwise (all loops parallel) and either its result has one use, or
    the consumer is elementwise over the same loops, reads each of the
    producer's elements once, and comes before the producer's other users:
    the fused op then also yields the producer's value for them (Adam's new
    moments and the parameter update become one op with three results).
    Nothing is computed twice. Splat constants
    read by a generic become scalars in its body: the optimizer's
    hyperparameters, broadcast to each parameter's shape, no longer become
    dense constants of that shape in the library (200 MB for a 12M-parameter
    block with Adam). The arithmetic per element is unchanged. Part of
    uscale-lower-to-llvm and uscale-lower-to-gpu, on tensors.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def CpuLoopOrder : Pass<"uscale-cpu-loop-order", "::mlir::func::FuncOp"> {
  let summary = "Loop order for plain CPU loops: GEMM reductions outside";
  let description = [{
    Rewrites every linalg.matmul / linalg.batch_matmul whose B operand is
    read as B[k, n] into a linalg.generic with loops (batch, m, k, n): the
    innermost loop then walks B and C contiguously instead of running a dot
    product down a column of B (a 512^3 f32 GEMM runs about 6x faster,
    docs/cpu-lowering.md). A 2-D matmul reading B[n, k] (a transposed
    weight) first gets B transposed once (linalg.transpose). Part of
    uscale-lower-to-llvm, on tensors, before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def GpuLoopOrder : Pass<"uscale-gpu-loop-order", "::mlir::func::FuncOp"> {
  let summary = "Loop order for GPU loop kernels: parallel loops outside";
  let description = [{
    Interchanges every linalg op whose iterators put a reduction before a
    parallel loop (a bias or layer-norm gradient summing over tokens, a
    `linalg.reduce` over dimension 0) so that all parallel loops come
    first, in their order, then the reductions, in theirs. Named ops are
    generalized first. `convert-linalg-to-parallel-loops` then gives one
    `scf.parallel` over the parallel loops with the reduction as a
    sequential loop inside each iteration, and `uscale-offload-to-gpu` maps
    that to one thread per output element. Without it the outermost loop is
    sequential and the whole nest runs in one GPU thread (1.7 s of a 1.8 s
    transformer-block step on an H100). Each output element still sums its
    terms in the same order, so results are bit-identical. Part of
    `uscale-lower-to-gpu{offload=true}` (and of the CPU pipeline's
    emulate-offload), on memrefs, before the loops are made.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def PromoteAccumulators : Pass<"uscale-promote-accumulators", "::mlir::func::FuncOp"> {
  let summary = "Carry reduction accumulators in loop registers, not memory";
  let description = [{
    A reduction that `convert-linalg-to-parallel-loops` lowers keeps its
    accumulator in the output buffer: every iteration of the sequential
    loop loads `out[i]`, adds, and stores `out[i]`. In a GPU kernel that is
    a global-memory round trip per iteration (LLVM keeps it: the kernel's
    buffers may alias). For an `scf.for` without results whose body loads
    and then stores one element at indices defined outside the loop, with
    nothing else in the loop touching that buffer through any view, this
    pass loads the element once before the loop, carries it as an
    `iter_args` value, and stores it once after. Inner loops first, so a
    reduction over several dimensions is promoted loop by loop. Same
    operations in the same order: results are bit-identical. Part of the
    offload pipeline, after `convert-linalg-to-parallel-loops`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def FoldFills : Pass<"uscale-fold-fills", "::mlir::func::FuncOp"> {
  let summary = "Start reductions from the fill value instead of a filled buffer";
  let description = [{
    A reduction's output is first filled with the reduction's start value
    (a `linalg.fill`, a loop of its own: a GPU kernel), then the reduction
    loads each element as its accumulator's initial value. When the
    reduction writes every element of the buffer, the fill is not needed:
    this pass replaces the reduction's load by the filled value and erases
    the fill. The block step has 45 such fills, each a kernel launch and a
    pass over its buffer.

    Matched, in the loop form `uscale-promote-accumulators` leaves: a
    top-level `scf.parallel` that only stores one value defined outside it
    to every element of a static, identity-layout buffer (its induction
    variables as indices, in order, over the buffer's shape), followed in
    the same block, with no op in between reaching the buffer through any
    view, by a top-level `scf.parallel` whose body loads the buffer once
    and stores it once, directly in its body, both at the same indices:
    its induction variables, each once, ranging over the whole buffer; and
    nothing else in it reaches the buffer. Each element then holds the
    fill value when loaded, so results are bit-identical. A reduction to a
    scalar is the same in host code: a top-level store of the start value
    to a rank-0 buffer, the load right after it takes the value, and the
    store goes where the result is stored over it with nothing in between
    that reads an argument (which might alias the buffer). Part of the
    offload pipeline (and the emulated one), after
    `uscale-promote-accumulators`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuAtomicAccumulate : Pass<"uscale-gpu-atomic-accumulate", "::mlir::func::FuncOp"> {
  let summary = "Parallelize scatter-adds with atomic adds (GPU)";
  let description = [{
    The embedding gradient is a scatter-add: `out[ids[t], d] += g[t, d]`.
    Tokens may repeat, so the lowering runs the tokens in order, in a
    sequential loop nest inside the parallel loop over `d`: on the GPU,
    1024 threads each adding 2048 values one after the other (0.5 ms on an
    H100, the step's longest kernel). This pass turns such a nest into one
    parallel loop over all its dimensions whose body adds with
    `memref.atomic_rmw addf`.

    Matched: an outermost `scf.parallel` whose body is a perfect nest of
    `scf.for` loops (no results; bounds defined outside the nest; other ops
    only before the inner loop, and free of writes), whose innermost body
    writes memory once: `memref.store (addf (memref.load M[i]), v), M[i]`,
    the load used only there, and nothing else in the nest reading the
    buffer behind `M`. The additions into one element then happen in an
    order the hardware picks, so sums may differ in the last bits from run
    to run (as with PyTorch's atomic `index_add_`). With the emulated
    offload the parallel loop runs in order on the CPU: the same additions
    in the same order as before. Runs before `uscale-offload-to-gpu`.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuFuseRows : Pass<"uscale-gpu-fuse-rows", "::mlir::func::FuncOp"> {
  let summary = "Fuse the loops of a softmax or layer norm into one loop "
                "over rows (a warp per row after uscale-gpu-map-reductions)";
  let description = [{
    After `convert-linalg-to-parallel-loops`, a row op is several top-level
    `scf.parallel` loops over the same rows: reductions (one output per
    row, a sequential nest over the row's columns, started from a constant
    after `uscale-fold-fills`) and elementwise loops over rows x columns
    between them (a softmax: the mask added, the max, `exp(x - max)`, the
    sum, the division; a layer norm: mean, variance, normalization). Each
    is a kernel that reads the tensor again. This pass fuses a run of such
    consecutive loops (allocations and constants between them move above)
    into one `scf.parallel` over the rows whose body runs them in order:
    the reductions as they were, each elementwise loop as a nest of
    `scf.for` over the columns. Nothing is reordered within a row, so
    results are bit-identical (the emulated offload checks that).

    A run is fused only when the fused loop is a row loop
    (`lib/Conversion/UScaleToNVGPU/RowLoops.h`), which
    `uscale-gpu-map-reductions` maps to a warp per row with every lane on
    the same columns in every nest: a buffer written in the run is
    accessed only at the element of the iteration (or, for a reduction's
    result, at the row, after it is written); the reductions' columns
    are the elementwise loops' columns; at least one reduction. Runs
    that are not shrink from their ends until they are, or stay as they
    were. Rows and length bounds match `uscale-gpu-map-reductions`'s
    (a fused loop it would not map would run one thread per row).
  }];
  let options = [
    Option<"maxRows", "max-rows", "int64_t", /*default=*/"65536",
           "Fuse only loops of at most this many rows (map-reductions' "
           "max-outputs)">,
    Option<"minLength", "min-length", "int64_t", /*default=*/"64",
           "Fuse only rows of at least this many columns (map-reductions' "
           "min-length)">
  ];
  let statistics = [
    Statistic<"numFused", "num-fused", "Row loops made">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuMapReductions : Pass<"uscale-gpu-map-reductions", "::mlir::func::FuncOp"> {
  let summary = "Map short, long reductions to one warp per output (GPU)";
  let description = [{
    After `uscale-promote-accumulators`, a reduction is an `scf.parallel`
    over its outputs whose body loads the output, carries it through a
    (possibly nested) `scf.for` reduction, and stores it. The offload maps
    one thread to each output, so a layer norm's 2048 row sums of 1024
    elements use 2048 threads, each reading its row alone (uncoalesced,
    latency bound: 50-100 us on an H100, where the data takes 3 us to read).

    This pass maps such a loop to one warp per output instead, when it has
    at most `max-outputs` outputs and at least `min-length` iterations per
    output: the warp's lanes split the reduction (lane `l` takes iterations
    `l, l+32, ...` of the flattened nest, so a row is read coalesced), each
    lane reduces its share from the operation's identity, a butterfly of
    `gpu.shuffle xor` combines the lanes, and lane 0 combines the result
    with the output's old value and stores it. The loop becomes the
    `scf.parallel` pair (blocks of warps, mapped to `block_x` and
    `thread_x`) that `uscale-offload-to-gpu` leaves as it is.

    A reduction to a scalar (the loss: a top-level `scf.for` carrying the
    sum from a start value that needs no load, its result stored to a
    rank-0 buffer) is first made a parallel loop of one output, so it gets
    one warp instead of a one-thread kernel.

    A row loop (`uscale-gpu-fuse-rows`: several nests over a row's columns,
    reductions and elementwise ones) gets a warp per row the same way:
    lane `l` runs columns `l, l+32, ...` of every nest, each reduction ends
    with the butterfly, so every lane has the row's value; lane 0 stores
    it, and the later reads of it in the row use the value instead of
    memory (no lane reads what another wrote).

    Handled: `arith.addf`, `maximumf`, `minimumf`, `maxnumf` and `minnumf`
    of the accumulator and a value computed without it; static bounds; a
    body that writes no memory. The order of the additions changes (a
    tree instead of a sequence), so sums differ from the CPU's in the last
    bits. Part of `uscale-lower-to-gpu{offload}`. With `emulate` (the
    emulated offload with `emulate-warps`) each warp is one thread that
    runs its lanes in turn and combines their shares in the butterfly's
    tree, so the CPU computes what lane 0 does on the GPU.

    A lane's loop runs `lane-unroll` iterations per trip (fewer where that
    does not divide the lane's share evenly): the trip's loads and
    arithmetic first, then its combines (a reduction) or stores (an
    elementwise nest of a row loop) in iteration order. Each thread then
    has that many loads in flight instead of one: a warp per output leaves
    few threads per SM (2048 warps for a layer norm's rows), and an
    in-order core stalls at the first use of each load. The results are
    the same bit for bit; a body whose combine result has another use, or
    that reads memory after a store, keeps one iteration per trip.

    With `split-columns`, a reduction whose loads all read along the
    outputs' last dimension (a bias or layer-norm parameter gradient: a
    column sum over the tokens) is not given a warp per output, whose
    lanes would each read a 32-byte sector for 4 bytes of one column, but
    two loops of a thread per output that the offload maps with
    neighbouring threads on neighbouring columns: thread (c, outputs...)
    reduces iterations c, c + 32, ... (a lane's share, `lane-unroll` per
    trip) into a buffer of partial sums, then a thread per output
    combines the 32 in order and folds in the old value, as lane 0 does
    after the butterfly. Sums differ from the warp's in the last bits
    (a sequence of 32 instead of a tree).
  }];
  let options = [
    Option<"maxOutputs", "max-outputs", "int64_t", /*default=*/"65536",
           "Map to warps only loops with at most this many outputs (beyond, "
           "one thread per output already fills the GPU)">,
    Option<"minLength", "min-length", "int64_t", /*default=*/"64",
           "Map to warps only reductions of at least this many iterations">,
    Option<"laneUnroll", "lane-unroll", "int64_t",
           /*default=*/"::mlir::uscale::gpu_defaults::kLaneUnroll",
           "Iterations per trip of a lane's loop (the largest power of two "
           "up to this dividing a lane's share): their loads first, so "
           "that many are in flight per thread; 1: one at a time">,
    Option<"splitColumns", "split-columns", "bool",
           /*default=*/"::mlir::uscale::gpu_defaults::kSplitColumns",
           "Column reductions (every load's last index the outputs' last "
           "one) as two loops of a thread per output instead: partial sums "
           "of 32 shares, then their total">,
    Option<"emulate", "emulate", "bool", /*default=*/"false",
           "For the CPU check of the offload: a thread per warp running "
           "its lanes in turn, the butterfly as the same tree over a "
           "buffer of 32 shares (no shuffles), bit for bit what lane 0 "
           "computes on the GPU">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuRegisterTile : Pass<"uscale-gpu-register-tile", "::mlir::func::FuncOp"> {
  let summary = "Give each GPU thread a tile of a contraction's outputs";
  let description = [{
    A contraction left off the FP8 kernels (attention's batched GEMMs, a
    GEMM whose sizes the kernels do not take) becomes, after
    `uscale-promote-accumulators`, an `scf.parallel` over its outputs whose
    body runs an `scf.for` reduction: two loads per multiply-add, one
    thread per output. On the GPU such a kernel is bound by its loads.

    This pass unrolls two parallel dimensions of such a loop by `rows` x
    `cols` and jams the copies into the reduction: each iteration of the
    new parallel loop computes a tile of outputs, carrying all of their
    accumulators through one `scf.for`: `rows` neighbouring rows, and
    `cols` columns spaced by the column count over `cols` (so that
    neighbouring iterations, GPU threads, touch neighbouring elements in
    each access). Loads that do not depend on the
    unrolled dimension are not repeated (a row of `A` serves the tile's
    `cols` outputs, a column of `B` its `rows`): a 4 x 4 tile does 16
    multiply-adds per 8 loads instead of per 32.

    Matched: an outermost `scf.parallel` (no results, not mapped yet) of
    rank 2 or more with static bounds, whose body holds only loads, stores
    (directly in the parallel body), ops without memory effects and
    `scf.for` loops (at most 4 deep, bounds defined outside the parallel
    loop), at least one of them carrying values. The columns are the
    innermost dimension; the rows the innermost other dimension that some
    load inside a reduction loop does not depend on. A factor is kept only
    where such reuse exists, halved until it divides the trip count, and
    halved (the larger first) until the loop still has `min-threads`
    iterations: fewer threads than that would leave the GPU idle.

    Every output is still reduced by the same operations in the same
    order: results are bit-identical. Part of `uscale-lower-to-gpu{offload}`
    after `uscale-gpu-map-reductions` (whose loops it leaves alone), and of
    the emulated offload with `min-threads=1`, which checks it on the CPU.
  }];
  let options = [
    Option<"rows", "rows", "int64_t", /*default=*/"4",
           "Outputs per thread along the rows (a power of two)">,
    Option<"cols", "cols", "int64_t", /*default=*/"4",
           "Outputs per thread along the columns (a power of two)">,
    Option<"minThreads", "min-threads", "int64_t", /*default=*/"67584",
           "Keep at least this many iterations (threads) in the loop; the "
           "default is two 256-thread blocks per SM of a 132-SM H100">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuMergeLoops : Pass<"uscale-gpu-merge-loops", "::mlir::func::FuncOp"> {
  let summary = "Run independent elementwise loops as one kernel (GPU)";
  let description = [{
    The optimizer updates each parameter in a loop of its own: one kernel
    launch per parameter (15 in the transformer block's step), most of them
    too small to fill the GPU. This pass merges each run of consecutive
    top-level `scf.parallel` loops that are independent of each other into
    one one-dimensional loop over all their iterations: iteration `t` runs
    the body of the loop whose range of the concatenated iteration space
    holds `t`, with that loop's indices recovered from `t` (a multi-tensor
    apply).

    Merged: loops without results or a GPU mapping, with static bounds,
    whose bodies hold only loads, stores and ops without memory effects (no
    nested regions), with only ops without memory effects between them;
    no buffer (through any view) that one of them writes is read or
    written by another; and the values the merged loop takes from outside
    (its kernel's parameters) stay under 4096 bytes, counting a memref as
    its descriptor (PTX 8.0 kernels take at most 4352 bytes of
    parameters). Each element still gets the same operations:
    results are bit-identical. Part of `uscale-lower-to-gpu{offload}` and of
    the emulated offload, before `uscale-offload-to-gpu`.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def GpuContract : Pass<"uscale-gpu-contract", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Allow multiply-add contraction in loop kernels (FMA)";
  let description = [{
    Loop kernels keep each `arith.mulf` and `arith.addf` apart, as the CPU
    does, so the NVPTX backend emits `mul.rn` and `add.rn`, which ptxas may
    not fuse. This pass marks every floating-point multiply, add and
    subtract in the kernels of a `gpu.module` `fastmath<contract>`, so a
    multiply feeding an add becomes one `fma.rn`: half the arithmetic
    instructions in a contraction's loop, each result rounded once instead
    of twice. Results then differ from the CPU's in the last bits (as the
    GPU's reduction order and libdevice already make them).
    `uscale-lower-to-gpu{contract}` runs it after kernel outlining; off by
    default until a GPU run shows it pays.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def GpuAsyncLaunches : Pass<"uscale-gpu-async-launches", "::mlir::func::FuncOp"> {
  let summary = "Chain a host function's kernel launches on one stream";
  let description = [{
    `gpu.launch_func` without a token is synchronous: its lowering creates
    a stream, launches, waits and destroys the stream. A train step has
    hundreds of launches, so the GPU idles between kernels while the host
    waits and launches the next one. This pass puts consecutive GPU work of
    a block on one stream, in program order: each synchronous launch, and
    each `gpu.alloc`, `gpu.dealloc`, `gpu.memcpy` and `gpu.memset` in the
    form `uscale-offload-to-gpu` emits (on a fresh stream, then waited
    for), becomes asynchronous, depending on the previous one's token. The
    chain is waited for (`gpu.wait`) before the first op that may touch
    memory on the host: a host load or store, a call (the FP8 GEMM host
    entries), an op with regions, the terminator; ops without memory
    effects (index math, views, asserts) and managed allocations do not
    break it. Same operations in the same order on one stream: results do
    not change. Freed blocks the runtime reuses (its block cache) are only
    reused by work later on the same stream, or after a wait. Runs after
    `gpu-kernel-outlining`, in `uscale-lower-to-gpu{offload}`.

    With `shared-stream` (the project's runtime: every stream it hands out
    is the device's one stream, so all GPU work runs in the order it was
    enqueued) a call to an FP8 GEMM host entry (a declaration with a
    `uscale.fp8_gemm` attribute, instantiated later with operands in device
    memory) does not end the chain either: the entry only enqueues work,
    which runs after the chain's and before what follows.
  }];
  let options = [
    Option<"sharedStream", "shared-stream", "bool", /*default=*/"false",
           "All streams are one in-order stream (the project's runtime): "
           "FP8 GEMM host entry calls do not end a chain">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def UScaleToNVGPU : Pass<"uscale-to-nvgpu", "::mlir::ModuleOp"> {
  let summary = "Run the FP8 GEMMs of a train step on the Hopper FP8 kernels";
  let description = [{
    Finds every 2-D `uscale.matmul` and `uscale.linear` whose two GEMM
    operands are `uscale.quantize` ops (as `uscale-cast-fp8` inserts them)
    and replaces it by a call to the host entry of its kernel variant. A
    rank-3 (or higher) first operand with a 2-D second one, as in a
    transformer's projections (`[B, T, K] x [K, N]`), is one GEMM over its
    collapsed leading dimensions (`tensor.collapse_shape` to `[B*T, K]`,
    the result expanded back). With `batched` (the default), two operands
    of rank 3 or more with the same leading dimensions (attention's
    `[B, H, T, d]`) are one batched GEMM: the leading dimensions are the
    batch, each operand's matrices stacked along their rows (`[B*H*T, d]`),
    one launch with a grid z over the batches:

    | operands    | variant | in a train step                          |
    |-------------|---------|------------------------------------------|
    | E4M3 x E4M3 | fwd     | forward `X W`                            |
    | E5M2 x E4M3 | dgrad   | data gradient `dY W^T` (also `dY^T X`)   |
    | E4M3 x E5M2 | wgrad   | weight gradient `X^T dY`                 |

    `@uscale_fp8_matmul_<variant>(A, transA, B, transB, C, alpha, batch)
    -> i32`
    is declared private, with a `uscale.fp8_gemm` attribute naming its
    template instance; `uscale-nvgpu-instantiate` defines it after
    bufferization (docs/gpu.md). At run time it copies the f32 operands to
    the device, casts them to FP8 there (RNE, saturating: bit-exact with the
    `uscale.quantize` ops it replaces) in K-major order, which is where the
    transposes happen (a plain `uscale.transpose` feeding the quantize, or
    for a batched GEMM one of the last two dimensions, is folded into the
    cast), runs the GEMM with the op's alpha in the f32
    epilogue and copies the f32 result back. The call site passes the
    tensors through `bufferization.to_buffer` / `to_tensor` and asserts the
    status. A linear's bias is added afterwards (`uscale.scale` by alpha,
    then `uscale.add`), keeping the op's `alpha * (X W + b)`.

    GEMMs without two quantized operands are left alone (host path). A
    quantized GEMM the kernels cannot run (M, N or K not a multiple of the
    128 x 128 x 128 tile, dynamic shapes, batched operands without
    `batched`, more than 65535 batches, non-f32 tensors, E5M2 x E5M2) is an error on the op naming the shape and the
    tile, or with `fallback` a remark, and the op is left alone.
  }];
  let options = [
    Option<"fallback", "fallback", "bool", /*default=*/"false",
           "Leave FP8 GEMMs the kernels cannot run on the host path with a "
           "remark, instead of failing">,
    Option<"batched", "batched", "bool",
           /*default=*/"::mlir::uscale::gpu_defaults::kBatchedGemms",
           "Run batched FP8 GEMMs (both operands of rank 3 or more with the "
           "same leading dimensions: attention's) on the kernels too, one "
           "launch per GEMM with a grid z over its batches">,
    Option<"wave", "wave", "int64_t", /*default=*/"132",
           "CTAs in one wave of the target GPU (an H100's SMs): the 128 x 256 "
           "tile is used only where it makes at least this many, else the "
           "128 x 128 one (twice as many CTAs)">
  ];
  let statistics = [
    Statistic<"numGemms", "num-gemms", "FP8 GEMMs moved to the GPU kernels">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::cf::ControlFlowDialect", "::mlir::func::FuncDialect",
    "::mlir::memref::MemRefDialect", "::mlir::tensor::TensorDialect"
  ];
}

def NVGPUInstantiate : Pass<"uscale-nvgpu-instantiate", "::mlir::ModuleOp"> {
  let summary = "Define the FP8 GEMM host entries from the kernel templates";
  let description = [{
    Replaces every private declaration with a `uscale.fp8_gemm` attribute
    (made by `uscale-to-nvgpu`) by instances of the templates in
    lib/Conversion/UScaleToNVGPU/templates: the host entry
    (fp8_matmul_host.mlir.in), the GEMM kernel with its launcher
    (fp8_gemm.mlir.in, f32 output) and the cast kernel of each operand
    format (fp8_cast.mlir.in), each instance once. The module becomes a
    `gpu.container_module`. Run it after bufferization and buffer
    deallocation (whose ownership analysis rejects the GPU host code's ops),
    before `gpu-lower-to-nvvm-pipeline`; `uscale-lower-to-gpu` does all of it.
    With `device-operands` the host entries take their f32 operands in
    device memory and cast them in place (the whole step on the GPU);
    without, they copy them from host memory first (`--host-ops`).
    With `tiled-casts` (the default) the host entries cast with the tiled
    kernel (a block per 64 x 64 tile, 16-byte loads, transposes through
    shared memory); with `tiled-casts=false`, a thread per pair of bytes.
  }];
  let options = [
    Option<"deviceOperands", "device-operands", "bool", /*default=*/"false",
           "The GEMM operands are device memory: cast them in place instead "
           "of copying them to the device first">,
    Option<"tiledCasts", "tiled-casts", "bool",
           /*default=*/"::mlir::uscale::gpu_defaults::kTiledCasts",
           "Cast the operands with the tiled kernel (fp8_cast.mlir.in's "
           "@cast_tiled)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::gpu::GPUDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::NVVM::NVVMDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def OffloadToGPU : Pass<"uscale-offload-to-gpu", "::mlir::ModuleOp"> {
  let summary = "Run a bufferized train step's loops as GPU kernels, its buffers in device memory";
  let description = [{
    Item 2 of the GPU issue: every op of the step on the GPU, not only the
    FP8 GEMMs. Runs on functions lowered to `scf.parallel` loops
    (`convert-linalg-to-parallel-loops`) on memrefs, before
    `convert-parallel-loops-to-gpu` and `gpu-kernel-outlining`:

    * every `scf.parallel` outside another one (an elementwise op, a row of
      softmax or layer norm, a GEMM left off the FP8 kernels: one loop per
      linalg op, reductions as sequential loops inside) is collapsed to one
      dimension, tiled by `block-size`, and mapped to blocks x threads;
      a long elementwise one (no nested region; loads, then stores) first
      gives each thread `elements-per-thread` iterations, N / u apart, its
      loads first, so that each thread has that many in flight;
    * host code that computes on device data (a run of top-level loads,
      stores, scalar arithmetic and sequential loop nests: the loss
      reduced to a scalar, the optimizer's bias corrections) becomes a
      one-thread kernel, less what the host needs of it (a value used
      after the run and what it is computed from), unless that would
      reorder two accesses to one buffer;
    * memref arguments are the caller's device memory, used in place; one
      that host code would load or store through is copied (cuMemcpy) into
      a managed buffer at entry and, when the function may write it, back
      before each return;
    * allocations and constants (copied from their globals at entry) are
      device memory (`gpu.alloc`) when only kernels, copies and the FP8
      GEMM host entries touch them, else CUDA managed memory (`gpu.alloc
      host_shared`).

    Launches are synchronous here, so host reads after a kernel see its
    results; `uscale-gpu-async-launches` later chains them on one stream
    and keeps only the waits the host needs. `uscale-lower-to-gpu{offload}` runs it (the library's manifest
    then says `"memory": "device"`); docs/gpu.md has the memory model and
    what it costs.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", /*default=*/"256",
           "Threads per block of the generated kernels">,
    Option<"elementsPerThread", "elements-per-thread", "int64_t",
           /*default=*/"::mlir::uscale::gpu_defaults::kElementsPerThread",
           "Iterations per thread of a long elementwise loop (a power of two "
           "up to this, strips N / u apart, loads first); 1: one each">,
    Option<"emulate", "emulate", "bool", /*default=*/"false",
           "Host memory instead of managed memory, for checking the pass on "
           "the CPU: the mapped loops then run as plain loops "
           "(uscale-lower-to-llvm{emulate-offload})">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::gpu::GPUDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def CpuGemmCalls : Pass<"uscale-cpu-gemm-calls", "::mlir::ModuleOp"> {
  let summary = "Replace f32/f64 GEMMs on memrefs with calls to the CPU GEMM kernels";
  let description = [{
    After bufferization, rewrites every linalg op on memrefs that is a
    multiply-accumulate contraction with one m, one n, one k and at most one
    batch dimension (linalg.matmul and linalg.batch_matmul with any operand
    transposed through `indexing_maps`, and the equivalent linalg.generic,
    e.g. from uscale-cpu-loop-order) whose three operands are all f32 or all
    f64 into

      func.call @uscale_cpu_{s,d}gemm[_batched](A, B, C)

    with C += A B (linalg's accumulate-into-init semantics). A transposed
    operand is passed as a `memref.transpose` view, and every operand is
    cast to a fully dynamic strided memref, so the kernels (runtime/cpu,
    libuscale_cpu_gemm.a) see sizes, strides and offsets and copy nothing.
    The callees are declared with `llvm.emit_c_interface`: the call lowers
    to `_mlir_ciface_uscale_cpu_sgemm(desc *A, desc *B, desc *C)`.
    Anything else (integer GEMMs, mixed types, other contractions) is left
    alone. Part of `uscale-lower-to-llvm{gemm-calls=true}`; the caller must
    link the kernel archive (unit-scale-compile does).
  }];
  let dependentDialects = ["::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect"];
}

#endif // USCALE_CONVERSION_PASSES_TD
