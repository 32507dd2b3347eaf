//===- CutEdges.h - bridges of the forward graph ----------------*- C++ -*-===//
//
// Unit scaling constrains an op's backward scales on every operand edge that
// is *not* a cut-edge (bridge) of the forward graph viewed as an undirected
// multigraph (spec section 4). This header offers the plain graph algorithm
// and an MLIR analysis over a function body.
//
//===----------------------------------------------------------------------===//
#ifndef UNIT_SCALE_ANALYSIS_CUTEDGES_H
#define UNIT_SCALE_ANALYSIS_CUTEDGES_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace mlir::uscale {

/// An undirected multigraph edge between two node ids.
using GraphEdge = std::pair<uint32_t, uint32_t>;

/// Marks every bridge of an undirected multigraph with `numNodes` nodes.
/// Result[i] is true when edges[i] is a bridge. Parallel edges are never
/// bridges; self-loops never are. Disconnected graphs are fine. Iterative
/// (explicit stack), O(V + E): safe on graphs millions of nodes deep.
std::vector<bool> findBridges(uint32_t numNodes,
                              llvm::ArrayRef<GraphEdge> edges);

/// Cut-edge analysis of a function-like op's single-block body. Nodes are
/// the block arguments (graph inputs) and the ops of the body (parameters
/// are ops); each operand use is one edge between the value's producer and
/// the using op. Uses of values that can carry no gradient (integer data,
/// results of constant-like ops) are left out of the graph and count as
/// cut-edges: no two gradient paths can meet through them.
class CutEdgeAnalysis {
public:
  explicit CutEdgeAnalysis(Operation *funcLike);

  /// True when this operand use is a bridge of the forward graph.
  bool isCutEdge(OpOperand &use) const {
    if (noGradient.contains(&use))
      return true;
    auto it = edgeIndex.find(&use);
    return it != edgeIndex.end() && isBridge[it->second];
  }
  size_t getNumEdges() const { return isBridge.size(); }
  size_t getNumCutEdges() const;

private:
  llvm::DenseMap<OpOperand *, uint32_t> edgeIndex;
  llvm::DenseSet<OpOperand *> noGradient;
  std::vector<bool> isBridge;
};

} // namespace mlir::uscale

#endif
