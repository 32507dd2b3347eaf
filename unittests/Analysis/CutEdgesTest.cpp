//===- CutEdgesTest.cpp - bridges of the forward multigraph ---------------===//
//
// findBridges against a brute force (drop each edge, count components) on
// thousands of random multigraphs; deep graphs that a recursive DFS could
// not survive; and CutEdgeAnalysis on a parsed function (spec section 4).
//
//===----------------------------------------------------------------------===//
#include "unit-scale/Analysis/CutEdges.h"
#include "unit-scale/Dialect/UScale/IR/UScaleDialect.h"
#include "unit-scale/Dialect/UScale/IR/UScaleOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "gtest/gtest.h"

#include <algorithm>
#include <numeric>
#include <random>

using namespace mlir;
using namespace mlir::uscale;

namespace {

//===----------------------------------------------------------------------===//
// Brute force
//===----------------------------------------------------------------------===//

struct UnionFind {
  std::vector<uint32_t> parent;
  uint32_t sets;
  explicit UnionFind(uint32_t n) : parent(n), sets(n) {
    std::iota(parent.begin(), parent.end(), 0u);
  }
  uint32_t find(uint32_t v) {
    while (parent[v] != v)
      v = parent[v] = parent[parent[v]];
    return v;
  }
  void unite(uint32_t a, uint32_t b) {
    a = find(a);
    b = find(b);
    if (a != b) {
      parent[a] = b;
      --sets;
    }
  }
};

/// Number of connected components when edge `skip` (if any) is removed.
uint32_t countComponents(uint32_t n, const std::vector<GraphEdge> &edges,
                         size_t skip) {
  UnionFind uf(n);
  for (size_t i = 0; i < edges.size(); ++i)
    if (i != skip)
      uf.unite(edges[i].first, edges[i].second);
  return uf.sets;
}

/// An edge is a bridge iff removing it increases the component count.
std::vector<bool> bruteForceBridges(uint32_t n,
                                    const std::vector<GraphEdge> &edges) {
  uint32_t base = countComponents(n, edges, SIZE_MAX);
  std::vector<bool> out(edges.size());
  for (size_t i = 0; i < edges.size(); ++i)
    out[i] = countComponents(n, edges, i) > base;
  return out;
}

std::string describe(uint32_t n, const std::vector<GraphEdge> &edges) {
  std::string s = "n=" + std::to_string(n) + " edges:";
  for (const GraphEdge &e : edges)
    s += " " + std::to_string(e.first) + "-" + std::to_string(e.second);
  return s;
}

//===----------------------------------------------------------------------===//
// Random multigraphs
//===----------------------------------------------------------------------===//

uint32_t uniformInt(std::mt19937 &rng, uint32_t lo, uint32_t hi) {
  return std::uniform_int_distribution<uint32_t>(lo, hi)(rng);
}
bool coin(std::mt19937 &rng, double p) {
  return std::bernoulli_distribution(p)(rng);
}

/// Random labelled tree on n nodes (n - 1 edges), random orientation.
std::vector<GraphEdge> randomTree(std::mt19937 &rng, uint32_t n) {
  std::vector<uint32_t> label(n);
  std::iota(label.begin(), label.end(), 0u);
  std::shuffle(label.begin(), label.end(), rng);
  std::vector<GraphEdge> edges;
  for (uint32_t v = 1; v < n; ++v) {
    uint32_t p = uniformInt(rng, 0, v - 1);
    if (coin(rng, 0.5))
      edges.emplace_back(label[p], label[v]);
    else
      edges.emplace_back(label[v], label[p]);
  }
  std::shuffle(edges.begin(), edges.end(), rng);
  return edges;
}

struct Graph {
  uint32_t n;
  std::vector<GraphEdge> edges;
};

/// Sparse or dense, possibly split into several pieces (edges only inside a
/// piece), with parallel edges and self-loops mixed in.
Graph randomGraph(std::mt19937 &rng) {
  Graph g;
  g.n = uniformInt(rng, 1, 40);
  uint32_t pieces = coin(rng, 0.35) ? uniformInt(rng, 2, 5) : 1;
  std::vector<uint32_t> pieceOf(g.n);
  for (uint32_t &p : pieceOf)
    p = uniformInt(rng, 0, pieces - 1);
  std::vector<std::vector<uint32_t>> members(pieces);
  for (uint32_t v = 0; v < g.n; ++v)
    members[pieceOf[v]].push_back(v);

  uint32_t maxEdges;
  switch (uniformInt(rng, 0, 3)) {
  case 0: // very sparse: mostly trees and forests
    maxEdges = g.n;
    break;
  case 1: // sparse: around the cycle threshold
    maxEdges = g.n + g.n / 2 + 1;
    break;
  case 2: // medium
    maxEdges = 3 * g.n;
    break;
  default: // dense
    maxEdges = std::min<uint32_t>(g.n * (g.n - 1) / 2 + 1, 200);
    break;
  }
  uint32_t m = uniformInt(rng, 0, maxEdges);
  double pSelf = coin(rng, 0.5) ? 0.08 : 0.0;
  double pParallel = coin(rng, 0.5) ? 0.15 : 0.0;
  for (uint32_t i = 0; i < m; ++i) {
    if (!g.edges.empty() && coin(rng, pParallel)) {
      GraphEdge e = g.edges[uniformInt(rng, 0, g.edges.size() - 1)];
      if (coin(rng, 0.5))
        std::swap(e.first, e.second);
      g.edges.push_back(e);
      continue;
    }
    uint32_t u = uniformInt(rng, 0, g.n - 1);
    if (coin(rng, pSelf)) {
      g.edges.emplace_back(u, u);
      continue;
    }
    const std::vector<uint32_t> &piece = members[pieceOf[u]];
    if (piece.size() < 2)
      continue;
    uint32_t v = u;
    while (v == u)
      v = piece[uniformInt(rng, 0, piece.size() - 1)];
    g.edges.emplace_back(u, v);
  }
  std::shuffle(g.edges.begin(), g.edges.end(), rng);
  return g;
}

size_t countTrue(const std::vector<bool> &v) {
  return std::count(v.begin(), v.end(), true);
}

//===----------------------------------------------------------------------===//
// Small fixed graphs
//===----------------------------------------------------------------------===//

TEST(FindBridges, EmptyAndIsolated) {
  EXPECT_TRUE(findBridges(0, {}).empty());
  EXPECT_TRUE(findBridges(7, {}).empty());
}

TEST(FindBridges, SingleEdgeIsABridge) {
  std::vector<GraphEdge> e = {{0, 1}};
  EXPECT_EQ(findBridges(2, e), std::vector<bool>({true}));
  // Extra isolated nodes change nothing.
  std::vector<GraphEdge> f = {{3, 1}};
  EXPECT_EQ(findBridges(5, f), std::vector<bool>({true}));
}

TEST(FindBridges, ParallelEdgesAndSelfLoopsAreNeverBridges) {
  // x -> mul (twice: mul(x, x)) -> out.
  std::vector<GraphEdge> e = {{0, 1}, {0, 1}, {1, 2}};
  EXPECT_EQ(findBridges(3, e), std::vector<bool>({false, false, true}));
  // The same with the parallel pair in opposite orientations.
  std::vector<GraphEdge> r = {{1, 2}, {1, 0}, {0, 1}};
  EXPECT_EQ(findBridges(3, r), std::vector<bool>({true, false, false}));
  // A triple edge and a self-loop on a bridge endpoint.
  std::vector<GraphEdge> t = {{0, 1}, {1, 0}, {0, 1}, {2, 2}, {1, 2}};
  EXPECT_EQ(findBridges(3, t),
            std::vector<bool>({false, false, false, false, true}));
  std::vector<GraphEdge> loop = {{0, 0}};
  EXPECT_EQ(findBridges(1, loop), std::vector<bool>({false}));
}

TEST(FindBridges, TwoTrianglesJoinedByOneEdge) {
  std::vector<GraphEdge> e = {{0, 1}, {1, 2}, {2, 0}, {2, 3},
                              {3, 4}, {4, 5}, {5, 3}};
  std::vector<bool> want = {false, false, false, true, false, false, false};
  EXPECT_EQ(findBridges(6, e), want);
}

//===----------------------------------------------------------------------===//
// Random graphs against the brute force
//===----------------------------------------------------------------------===//

TEST(FindBridges, MatchesBruteForceOnRandomMultigraphs) {
  std::mt19937 rng(20230311);
  size_t bridges = 0, nonBridges = 0, withParallel = 0, withSelfLoop = 0,
         disconnected = 0;
  for (int iter = 0; iter < 2000; ++iter) {
    Graph g = randomGraph(rng);
    std::vector<bool> want = bruteForceBridges(g.n, g.edges);
    std::vector<bool> got = findBridges(g.n, g.edges);
    ASSERT_EQ(got.size(), g.edges.size());
    for (size_t i = 0; i < g.edges.size(); ++i)
      ASSERT_EQ(got[i], want[i])
          << "graph " << iter << ", edge " << i << " ("
          << g.edges[i].first << "-" << g.edges[i].second << ")\n"
          << describe(g.n, g.edges);
    bridges += countTrue(want);
    nonBridges += want.size() - countTrue(want);
    std::vector<GraphEdge> sorted;
    for (GraphEdge e : g.edges) {
      withSelfLoop += e.first == e.second;
      sorted.emplace_back(std::min(e.first, e.second),
                          std::max(e.first, e.second));
    }
    std::sort(sorted.begin(), sorted.end());
    withParallel +=
        std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end();
    disconnected += countComponents(g.n, g.edges, SIZE_MAX) > 1;
  }
  // The generator must actually exercise every case.
  EXPECT_GT(bridges, 5000u);
  EXPECT_GT(nonBridges, 5000u);
  EXPECT_GT(withParallel, 300u);
  EXPECT_GT(withSelfLoop, 300u);
  EXPECT_GT(disconnected, 500u);
}

TEST(FindBridges, EveryTreeEdgeIsABridge) {
  std::mt19937 rng(7);
  for (int iter = 0; iter < 300; ++iter) {
    uint32_t n = uniformInt(rng, 1, 60);
    std::vector<GraphEdge> edges = randomTree(rng, n);
    std::vector<bool> got = findBridges(n, edges);
    ASSERT_EQ(got.size(), edges.size());
    EXPECT_EQ(countTrue(got), edges.size()) << describe(n, edges);
    // Doubling any one tree edge makes exactly that pair non-bridges.
    if (edges.empty())
      continue;
    size_t k = uniformInt(rng, 0, edges.size() - 1);
    edges.push_back({edges[k].second, edges[k].first});
    got = findBridges(n, edges);
    EXPECT_EQ(got, bruteForceBridges(n, edges)) << describe(n, edges);
    EXPECT_FALSE(got[k]);
    EXPECT_FALSE(got.back());
    EXPECT_EQ(countTrue(got), edges.size() - 2);
  }
}

TEST(FindBridges, NoCycleEdgeIsABridge) {
  std::mt19937 rng(11);
  for (int iter = 0; iter < 300; ++iter) {
    // n = 1 is a self-loop, n = 2 a parallel pair.
    uint32_t n = uniformInt(rng, 1, 60);
    std::vector<uint32_t> order(n);
    std::iota(order.begin(), order.end(), 0u);
    std::shuffle(order.begin(), order.end(), rng);
    std::vector<GraphEdge> edges;
    for (uint32_t i = 0; i < n; ++i)
      edges.emplace_back(order[i], order[(i + 1) % n]);
    std::shuffle(edges.begin(), edges.end(), rng);
    std::vector<bool> got = findBridges(n, edges);
    EXPECT_EQ(countTrue(got), 0u) << describe(n, edges);
    // A pendant tree hung on the cycle: exactly its edges are bridges.
    uint32_t extra = uniformInt(rng, 1, 10);
    std::vector<GraphEdge> tree = randomTree(rng, extra + 1);
    for (GraphEdge e : tree) {
      // Node `extra` of the tree is glued onto a cycle node.
      auto map = [&](uint32_t v) { return v == extra ? order[0] : n + v; };
      edges.emplace_back(map(e.first), map(e.second));
    }
    got = findBridges(n + extra, edges);
    EXPECT_EQ(got, bruteForceBridges(n + extra, edges));
    EXPECT_EQ(countTrue(got), size_t(extra));
  }
}

//===----------------------------------------------------------------------===//
// Deep graphs: a recursive DFS would overflow the stack here
//===----------------------------------------------------------------------===//

TEST(FindBridges, PathOfTwoMillionNodes) {
  constexpr uint32_t n = 2'000'000;
  std::vector<GraphEdge> edges;
  edges.reserve(n);
  for (uint32_t i = 0; i + 1 < n; ++i)
    edges.emplace_back(i, i + 1);
  std::vector<bool> got = findBridges(n, edges);
  ASSERT_EQ(got.size(), size_t(n - 1));
  EXPECT_EQ(countTrue(got), size_t(n - 1));

  // Closing the path into one cycle of 2M nodes removes every bridge.
  edges.emplace_back(n - 1, 0);
  got = findBridges(n, edges);
  EXPECT_EQ(countTrue(got), 0u);

  // Reversed edge order and orientation: the DFS now starts at the far end.
  std::vector<GraphEdge> rev;
  rev.reserve(n);
  for (uint32_t i = n - 1; i > 0; --i)
    rev.emplace_back(i, i - 1);
  got = findBridges(n, rev);
  EXPECT_EQ(countTrue(got), size_t(n - 1));
}

TEST(FindBridges, ResidualTrunkOfAMillionNodes) {
  // Node 0 is the input t_0. Block i: parameter p_i, branch op b_i reading
  // t_i and p_i, and the residual add t_{i+1} reading t_i and b_i. Then a
  // plain tail of ops h_j, each reading the previous value and a parameter.
  constexpr uint32_t blocks = 330'000, tail = 5'000;
  std::vector<GraphEdge> edges;
  std::vector<char> expectBridge;
  uint32_t next = 1, trunk = 0;
  auto add = [&](uint32_t a, uint32_t b, bool bridge) {
    edges.emplace_back(a, b);
    expectBridge.push_back(bridge);
  };
  for (uint32_t i = 0; i < blocks; ++i) {
    uint32_t p = next++, b = next++, t = next++;
    add(trunk, b, false); // branch reads the trunk: on the block's cycle
    add(p, b, true);      // a parameter used once
    add(trunk, t, false); // skip
    add(b, t, false);     // branch output into the add
    trunk = t;
  }
  for (uint32_t j = 0; j < tail; ++j) {
    uint32_t q = next++, h = next++;
    add(trunk, h, true);
    add(q, h, true);
    trunk = h;
  }
  ASSERT_GT(next, 1'000'000u);
  std::vector<bool> got = findBridges(next, edges);
  ASSERT_EQ(got.size(), edges.size());
  size_t mismatches = 0, first = SIZE_MAX;
  for (size_t i = 0; i < edges.size(); ++i)
    if (got[i] != bool(expectBridge[i]) && mismatches++ == 0)
      first = i;
  EXPECT_EQ(mismatches, 0u) << "first mismatch at edge " << first;
  EXPECT_EQ(countTrue(got), size_t(blocks + 2 * tail));
}

TEST(FindBridges, LadderOfAMillionNodesHasNoBridges) {
  // Two rails u_i = 2i, v_i = 2i + 1 joined by rungs; a pendant path on
  // the last rung is the only bridge chain.
  constexpr uint32_t rungs = 500'000, pendant = 1'000;
  std::vector<GraphEdge> edges;
  for (uint32_t i = 0; i < rungs; ++i) {
    edges.emplace_back(2 * i, 2 * i + 1);
    if (i + 1 < rungs) {
      edges.emplace_back(2 * i, 2 * i + 2);
      edges.emplace_back(2 * i + 3, 2 * i + 1);
    }
  }
  size_t ladderEdges = edges.size();
  uint32_t prev = 2 * rungs - 1;
  for (uint32_t j = 0; j < pendant; ++j) {
    edges.emplace_back(prev, 2 * rungs + j);
    prev = 2 * rungs + j;
  }
  std::vector<bool> got = findBridges(2 * rungs + pendant, edges);
  ASSERT_EQ(got.size(), edges.size());
  EXPECT_EQ(countTrue(got), size_t(pendant));
  for (size_t i = ladderEdges; i < edges.size(); ++i)
    ASSERT_TRUE(got[i]) << i;
}

//===----------------------------------------------------------------------===//
// CutEdgeAnalysis on a function body
//===----------------------------------------------------------------------===//

class CutEdgeAnalysisTest : public ::testing::Test {
protected:
  CutEdgeAnalysisTest() {
    ctx.loadDialect<UScaleDialect, func::FuncDialect>();
  }
  func::FuncOp parse(llvm::StringRef src) {
    module = parseSourceString<ModuleOp>(src, &ctx);
    if (!module)
      return nullptr;
    return *module->getOps<func::FuncOp>().begin();
  }
  /// Ops of the body in order.
  static std::vector<Operation *> bodyOps(func::FuncOp f) {
    std::vector<Operation *> ops;
    for (Operation &op : f.getBody().front())
      ops.push_back(&op);
    return ops;
  }
  /// "bridge"/"cycle" for every operand of `op`.
  static std::string kinds(const CutEdgeAnalysis &a, Operation *op) {
    std::string s;
    for (OpOperand &use : op->getOpOperands())
      s += std::string(s.empty() ? "" : ",") +
           (a.isCutEdge(use) ? "bridge" : "cycle");
    return s;
  }

  MLIRContext ctx;
  OwningOpRef<ModuleOp> module;
};

TEST_F(CutEdgeAnalysisTest, TiedAndSingleUseParameters) {
  func::FuncOp f = parse(R"mlir(
func.func @f(%x: tensor<4x8xf32>, %l: tensor<4xi64>) -> tensor<f32> {
  %w = uscale.parameter "tied" init normal : tensor<8x8xf32>
  %v = uscale.parameter "once" init normal : tensor<8x8xf32>
  %0 = uscale.linear %x, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %1 = uscale.linear %0, %w : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %2 = uscale.mul %1, %1 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %3 = uscale.linear %2, %v : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %4 = uscale.softmax_cross_entropy %3, %l : (tensor<4x8xf32>, tensor<4xi64>) -> tensor<f32>
  return %4 : tensor<f32>
}
)mlir");
  ASSERT_TRUE(f);
  CutEdgeAnalysis a(f);
  std::vector<Operation *> ops = bodyOps(f);
  ASSERT_EQ(ops.size(), 8u);
  // 11 operand uses; the integer labels carry no gradient and stay out of
  // the graph (reported as cut-edges).
  EXPECT_EQ(a.getNumEdges(), 10u);
  // The tied weight closes the cycle w - lin0 - lin1 - w.
  EXPECT_EQ(kinds(a, ops[2]), "bridge,cycle"); // %x used once; %w tied
  EXPECT_EQ(kinds(a, ops[3]), "cycle,cycle");
  EXPECT_EQ(kinds(a, ops[4]), "cycle,cycle");   // mul(x, x): parallel edges
  EXPECT_EQ(kinds(a, ops[5]), "bridge,bridge"); // %v used once
  EXPECT_EQ(kinds(a, ops[6]), "bridge,bridge");
  EXPECT_EQ(kinds(a, ops[7]), "bridge"); // the return
  EXPECT_EQ(a.getNumCutEdges(), 5u);
}

TEST_F(CutEdgeAnalysisTest, ResidualBlockAndChainAfterIt) {
  func::FuncOp f = parse(R"mlir(
func.func @f(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w1 = uscale.parameter "w1" init normal : tensor<8x8xf32>
  %w2 = uscale.parameter "w2" init normal : tensor<8x8xf32>
  %w3 = uscale.parameter "w3" init normal : tensor<8x8xf32>
  %0 = uscale.linear %x, %w1 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %1 = uscale.relu %0 : tensor<4x8xf32>
  %2 = uscale.linear %1, %w2 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  %3 = uscale.add %2, %0 : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %4 = uscale.linear %3, %w3 : (tensor<4x8xf32>, tensor<8x8xf32>) -> tensor<4x8xf32>
  return %4 : tensor<4x8xf32>
}
)mlir");
  ASSERT_TRUE(f);
  CutEdgeAnalysis a(f);
  std::vector<Operation *> ops = bodyOps(f);
  ASSERT_EQ(ops.size(), 9u);
  EXPECT_EQ(kinds(a, ops[3]), "bridge,bridge"); // before the residual block
  EXPECT_EQ(kinds(a, ops[4]), "cycle");         // relu, inside the block
  EXPECT_EQ(kinds(a, ops[5]), "cycle,bridge");  // w2 still used once
  EXPECT_EQ(kinds(a, ops[6]), "cycle,cycle");   // the residual add
  EXPECT_EQ(kinds(a, ops[7]), "bridge,bridge"); // after the last residual
  EXPECT_EQ(kinds(a, ops[8]), "bridge");
  EXPECT_EQ(a.getNumEdges(), 10u);
  EXPECT_EQ(a.getNumCutEdges(), 6u);
}

TEST_F(CutEdgeAnalysisTest, UsesOutsideTheAnalysedFunctionAreNotCutEdges) {
  func::FuncOp f = parse(R"mlir(
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = uscale.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
func.func @g(%x: tensor<4xf32>) -> tensor<4xf32> {
  %0 = uscale.relu %x : tensor<4xf32>
  return %0 : tensor<4xf32>
}
)mlir");
  ASSERT_TRUE(f);
  CutEdgeAnalysis a(f);
  EXPECT_EQ(a.getNumEdges(), 2u);
  EXPECT_EQ(a.getNumCutEdges(), 2u);
  auto g = *std::next(module->getOps<func::FuncOp>().begin());
  Operation &reluG = g.getBody().front().front();
  EXPECT_FALSE(a.isCutEdge(reluG.getOpOperand(0)));
  EXPECT_TRUE(a.isCutEdge(f.getBody().front().front().getOpOperand(0)));
}

} // namespace
