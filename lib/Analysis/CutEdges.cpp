//===- CutEdges.cpp - iterative bridge finding ----------------------------===//
#include "unit-scale/Analysis/CutEdges.h"

#include "mlir/IR/Block.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Region.h"

#include <algorithm>
#include <limits>

using namespace mlir;
using namespace mlir::uscale;

std::vector<bool> mlir::uscale::findBridges(uint32_t numNodes,
                                            llvm::ArrayRef<GraphEdge> edges) {
  constexpr uint32_t kNone = std::numeric_limits<uint32_t>::max();
  const size_t numEdges = edges.size();
  std::vector<bool> bridge(numEdges, false);

  // Compressed adjacency: for each node, the ids of its incident edges.
  std::vector<uint32_t> start(numNodes + 1, 0);
  for (const GraphEdge &e : edges) {
    ++start[e.first + 1];
    ++start[e.second + 1];
  }
  for (uint32_t v = 0; v < numNodes; ++v)
    start[v + 1] += start[v];
  std::vector<uint32_t> adj(start.back());
  std::vector<uint32_t> fill(start.begin(), start.end() - 1);
  for (uint32_t id = 0; id < numEdges; ++id) {
    adj[fill[edges[id].first]++] = id;
    adj[fill[edges[id].second]++] = id;
  }

  // Tarjan's low-link with an explicit stack. A frame remembers the edge it
  // was entered by: skipping that edge *id* (not every edge to the parent)
  // is what keeps parallel edges from being reported as bridges.
  struct Frame {
    uint32_t node, parentEdge, next;
  };
  std::vector<uint32_t> disc(numNodes, kNone), low(numNodes, 0);
  std::vector<Frame> stack;
  uint32_t time = 0;
  for (uint32_t root = 0; root < numNodes; ++root) {
    if (disc[root] != kNone)
      continue;
    disc[root] = low[root] = time++;
    stack.push_back({root, kNone, start[root]});
    while (!stack.empty()) {
      Frame &f = stack.back();
      uint32_t u = f.node;
      if (f.next < start[u + 1]) {
        uint32_t id = adj[f.next++];
        if (id == f.parentEdge)
          continue;
        const GraphEdge &e = edges[id];
        uint32_t v = e.first == u ? e.second : e.first;
        if (disc[v] == kNone) {
          disc[v] = low[v] = time++;
          stack.push_back({v, id, start[v]});
        } else {
          low[u] = std::min(low[u], disc[v]);
        }
        continue;
      }
      uint32_t parentEdge = f.parentEdge;
      stack.pop_back();
      if (parentEdge == kNone)
        continue;
      const GraphEdge &e = edges[parentEdge];
      uint32_t p = e.first == u ? e.second : e.first;
      low[p] = std::min(low[p], low[u]);
      if (low[u] > disc[p])
        bridge[parentEdge] = true;
    }
  }
  return bridge;
}

/// Integer data and constants never receive a gradient, so no two gradient
/// paths can meet through them: their uses stay out of the graph (a mask
/// constant shared by every layer would otherwise tie all layers into one
/// cycle).
static bool carriesGradient(Value v) {
  if (!isa<FloatType>(getElementTypeOrSelf(v.getType())))
    return false;
  Operation *def = v.getDefiningOp();
  return !def || !def->hasTrait<OpTrait::ConstantLike>();
}

CutEdgeAnalysis::CutEdgeAnalysis(Operation *funcLike) {
  llvm::DenseMap<void *, uint32_t> nodeOf; // Operation* or BlockArgument impl
  uint32_t numNodes = 0;
  std::vector<GraphEdge> edges;
  auto nodeFor = [&](Value v) -> uint32_t {
    void *key = v.getDefiningOp() ? (void *)v.getDefiningOp()
                                  : v.getAsOpaquePointer();
    auto [it, inserted] = nodeOf.try_emplace(key, numNodes);
    if (inserted)
      ++numNodes;
    return it->second;
  };
  for (Region &region : funcLike->getRegions()) {
    for (Block &block : region) {
      for (BlockArgument arg : block.getArguments())
        (void)nodeFor(arg);
      for (Operation &op : block) {
        auto [it, inserted] = nodeOf.try_emplace(&op, numNodes);
        if (inserted)
          ++numNodes;
        uint32_t user = it->second;
        for (OpOperand &use : op.getOpOperands()) {
          if (!carriesGradient(use.get())) {
            noGradient.insert(&use);
            continue;
          }
          edgeIndex[&use] = edges.size();
          edges.emplace_back(nodeFor(use.get()), user);
        }
      }
    }
  }
  isBridge = findBridges(numNodes, edges);
}

size_t CutEdgeAnalysis::getNumCutEdges() const {
  return std::count(isBridge.begin(), isBridge.end(), true);
}
