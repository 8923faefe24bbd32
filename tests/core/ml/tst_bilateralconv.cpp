// The learned bilateral convolution (ml::BilateralConv): its neighbourhood, its output against
// a brute-force evaluation of the layer's definition on small point sets (the embedding taken
// from the C++ PermutohedralLattice, the neighbours found by comparing lattice coordinates), its
// normalisation, and its gradients against central finite differences.

// LibTorch before any Qt header: Qt's `slots` macro breaks <torch/torch.h>.
#include "ml/internal/bilateralconv.h"
#include "ml/internal/torchlattice.h"

#include "propagation/internal/permutohedral.h"
#include "testmain.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>
#include <vector>

using namespace tincture;
using namespace tincture::ml;

namespace {

using Coords = std::vector<int>;

torch::Tensor randomFeatures(int64_t n, int d, float extent, uint64_t seed)
{
    torch::manual_seed(seed);
    return torch::rand({n, d}) * extent;
}

// The neighbourhood by its definition: a ∈ {0 … n}^(d+1), min(a) = 0, lexicographic; the
// offset's coordinate i is (d + 1)·a_i − Σ a.
std::vector<Coords> definedOffsets(int d, int n)
{
    std::vector<Coords> out;
    const int d1 = d + 1;
    int total = 1;
    for (int i = 0; i < d1; ++i)
        total *= n + 1;
    for (int code = 0; code < total; ++code) {
        std::vector<int> a(static_cast<size_t>(d1), 0);
        for (int i = d1 - 1, c = code; i >= 0; --i, c /= n + 1)
            a[size_t(i)] = c % (n + 1);
        if (*std::min_element(a.begin(), a.end()) != 0)
            continue;
        int sum = 0;
        for (int v : a)
            sum += v;
        Coords off;
        for (int i = 0; i < d; ++i)
            off.push_back(d1 * a[size_t(i)] - sum);
        out.push_back(off);
    }
    return out;
}

// Each point's simplex vertices (lattice coordinates) and barycentric weights, from the CPU
// lattice.
struct Embedded
{
    std::vector<std::vector<Coords>> vertices;
    std::vector<std::vector<double>> weights;
};

Embedded embedOnCpu(const torch::Tensor &features)
{
    const int d = int(features.size(1)), d1 = d + 1;
    const torch::Tensor f = features.contiguous().to(torch::kFloat32);
    propagation::PermutohedralLattice lattice(d, 1);
    const auto e = lattice.embed(f.data_ptr<float>(), size_t(f.size(0)));
    Embedded out;
    for (size_t p = 0; p < e.count; ++p) {
        std::vector<Coords> vs;
        std::vector<double> ws;
        for (int r = 0; r < d1; ++r) {
            const uint64_t key = e.keys[p * size_t(d1) + size_t(r)];
            Coords c;
            for (int i = 0; i < d; ++i)
                c.push_back(int16_t(uint16_t(key >> (16 * i))));
            vs.push_back(c);
            ws.push_back(e.weights[p * size_t(d1) + size_t(r)]);
        }
        out.vertices.push_back(vs);
        out.weights.push_back(ws);
    }
    return out;
}

Coords plus(const Coords &a, const Coords &b)
{
    Coords c = a;
    for (size_t i = 0; i < c.size(); ++i)
        c[i] += b[i];
    return c;
}

// The layer's definition, point by point, in double: splat, filter over the neighbourhood,
// slice, divide by the homogeneous channel treated alike with unit taps, add the bias.
std::vector<std::vector<double>> bruteForce(const torch::Tensor &inF, const torch::Tensor &outF,
                                            const torch::Tensor &values,
                                            const torch::Tensor &weight, const torch::Tensor &bias,
                                            int n)
{
    const int d = int(inF.size(1));
    const int64_t cin = weight.size(1), cout = weight.size(0);
    const Embedded in = embedOnCpu(inF), out = embedOnCpu(outF);
    const std::vector<Coords> offsets = definedOffsets(d, n);
    const auto v = values.to(torch::kFloat64).contiguous();
    const auto w = weight.to(torch::kFloat64).contiguous();
    const auto b = bias.to(torch::kFloat64).contiguous();
    std::map<Coords, std::vector<double>> splat;
    std::map<Coords, double> density;
    for (size_t p = 0; p < in.vertices.size(); ++p)
        for (size_t r = 0; r < in.vertices[p].size(); ++r) {
            auto &cell = splat[in.vertices[p][r]];
            cell.resize(size_t(cin), 0.0);
            for (int64_t c = 0; c < cin; ++c)
                cell[size_t(c)] += in.weights[p][r] * v[int64_t(p)][c].item<double>();
            density[in.vertices[p][r]] += in.weights[p][r];
        }
    std::vector<std::vector<double>> result;
    for (size_t q = 0; q < out.vertices.size(); ++q) {
        std::vector<double> num(size_t(cout), 0.0);
        double den = 0.0;
        for (size_t r = 0; r < out.vertices[q].size(); ++r)
            for (size_t k = 0; k < offsets.size(); ++k) {
                const Coords at = plus(out.vertices[q][r], offsets[k]);
                const auto s = splat.find(at);
                if (s == splat.end())
                    continue;
                den += out.weights[q][r] * density[at];
                for (int64_t o = 0; o < cout; ++o)
                    for (int64_t c = 0; c < cin; ++c)
                        num[size_t(o)] += out.weights[q][r] * w[o][c][int64_t(k)].item<double>() *
                                          s->second[size_t(c)];
            }
        std::vector<double> row;
        for (int64_t o = 0; o < cout; ++o)
            row.push_back((den > 0 ? num[size_t(o)] / den : 0.0) + b[o].item<double>());
        result.push_back(row);
    }
    return result;
}

} // namespace

class TestBilateralConv : public QObject
{
    Q_OBJECT

private slots:
    void neighbourhood_data()
    {
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("n");
        for (int d = 1; d <= 4; ++d)
            for (int n = 0; n <= 2; ++n)
                QTest::addRow("d%d n%d", d, n) << d << n;
    }
    void neighbourhood()
    {
        QFETCH(int, d);
        QFETCH(int, n);
        const int expected = int(std::pow(n + 1, d + 1) - std::pow(n, d + 1));
        QCOMPARE(bilateralTaps(d, n), expected);
        const torch::Tensor offsets = bilateralTapOffsets(d, n);
        QCOMPARE(offsets.size(0), int64_t(expected));
        const std::vector<Coords> defined = definedOffsets(d, n);
        std::set<Coords> distinct;
        for (int64_t k = 0; k < offsets.size(0); ++k) {
            Coords c;
            for (int i = 0; i < d; ++i)
                c.push_back(int(offsets[k][i].item<int64_t>()));
            QCOMPARE(c, defined[size_t(k)]); // the same taps, in the same order
            distinct.insert(c);
        }
        QCOMPARE(int(distinct.size()), expected);
        QVERIFY(offsets[0].abs().sum().item<int64_t>() == 0); // tap 0: the vertex itself
    }

    void againstBruteForce_data()
    {
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("n");
        QTest::addColumn<float>("extent");
        QTest::newRow("d2 n0") << 2 << 0 << 3.0f;
        QTest::newRow("d2 n1") << 2 << 1 << 3.0f;
        QTest::newRow("d3 n1") << 3 << 1 << 4.0f;
        QTest::newRow("d4 n0 (VPN's)") << 4 << 0 << 3.0f;
        QTest::newRow("d4 n1") << 4 << 1 << 3.0f;
        QTest::newRow("d2 n2") << 2 << 2 << 6.0f;
    }
    void againstBruteForce()
    {
        QFETCH(int, d);
        QFETCH(int, n);
        QFETCH(float, extent);
        torch::NoGradGuard noGrad;
        const torch::Tensor inF = randomFeatures(40, d, extent, 11);
        const torch::Tensor outF = randomFeatures(25, d, extent * 1.2f, 12);
        BilateralConv layer(d, 3, 4, n, 0.5, 0.0);
        torch::manual_seed(13);
        layer->bias.copy_(torch::randn({4}));
        const torch::Tensor values = torch::randn({40, 3});
        const auto g = bilateralGeometry(inF, outF, n);
        QVERIFY(g.has_value());
        const auto want = bruteForce(inF, outF, values, layer->weight, layer->bias, n);
        // Inference (no gradients: on the CPU with n = 0 the loops' path) and training (the
        // tensor path autograd differentiates).
        for (bool training : {false, true}) {
            torch::AutoGradMode mode(training);
            const torch::Tensor got = layer->forward(values, *g).detach();
            QCOMPARE(got.size(0), int64_t(25));
            QCOMPARE(got.size(1), int64_t(4));
            int reached = 0;
            for (int64_t q = 0; q < 25; ++q) {
                reached += g->norm[q].item<float>() > 0;
                for (int64_t o = 0; o < 4; ++o)
                    QVERIFY2(std::abs(got[q][o].item<double>() - want[size_t(q)][size_t(o)]) < 1e-4,
                             qPrintable(QStringLiteral("%1, point %2 channel %3: %4 vs %5")
                                            .arg(training ? "training" : "inference")
                                            .arg(q)
                                            .arg(o)
                                            .arg(got[q][o].item<double>())
                                            .arg(want[size_t(q)][size_t(o)])));
            }
            QVERIFY2(reached > 10, "too few output points near an input: the case tests little");
        }
    }

    // With every tap the identity, the layer is a normalised (weighted-mean) filter: constant
    // values come back unchanged, and an output point far from every input gets the bias.
    void meanOfConstantIsTheConstant()
    {
        torch::NoGradGuard noGrad;
        for (int n : {0, 1}) {
            const torch::Tensor inF = randomFeatures(60, 3, 5.0f, 21);
            torch::Tensor outF = randomFeatures(30, 3, 5.0f, 22);
            outF[29].fill_(500.0f); // far from everything
            BilateralConv layer(3, 2, 2, n);
            layer->weight.zero_();
            for (int64_t k = 0; k < layer->weight.size(2); ++k)
                layer->weight.select(2, k).copy_(torch::eye(2));
            layer->bias.copy_(torch::tensor({0.25f, -0.5f}));
            const auto g = bilateralGeometry(inF, outF, n);
            QVERIFY(g.has_value());
            const torch::Tensor values =
                torch::tensor({3.0f, -2.0f}).unsqueeze(0).expand({60, 2}).contiguous();
            const torch::Tensor got = layer->forward(values, *g);
            QCOMPARE(g->norm[29].item<float>(), 0.0f);
            QCOMPARE(got[29][0].item<float>(), 0.25f);
            QCOMPARE(got[29][1].item<float>(), -0.5f);
            int reached = 0;
            for (int64_t q = 0; q < 29; ++q) {
                if (g->norm[q].item<float>() <= 0)
                    continue;
                ++reached;
                QVERIFY(std::abs(got[q][0].item<float>() - 3.25f) < 1e-5);
                QVERIFY(std::abs(got[q][1].item<float>() + 2.5f) < 1e-5);
            }
            QVERIFY(reached > 10);
        }
    }

    void gradientsMatchFiniteDifferences_data()
    {
        QTest::addColumn<int>("n");
        QTest::newRow("n0") << 0;
        QTest::newRow("n1") << 1;
    }
    void gradientsMatchFiniteDifferences()
    {
        QFETCH(int, n);
        const int d = 3;
        const torch::Tensor inF = randomFeatures(16, d, 3.0f, 31);
        const torch::Tensor outF = randomFeatures(12, d, 3.0f, 32);
        const auto g = bilateralGeometry(inF, outF, n);
        QVERIFY(g.has_value());
        BilateralConv layer(d, 2, 3, n, 0.5, 0.1);
        layer->to(torch::kFloat64);
        torch::manual_seed(33);
        const torch::Tensor values = torch::randn({16, 2}, torch::kFloat64).requires_grad_();
        const torch::Tensor probe = torch::randn({12, 3}, torch::kFloat64);
        auto loss = [&] { return (layer->forward(values, *g) * probe).sum(); };
        loss().backward();
        const double eps = 1e-6;
        auto check = [&](const torch::Tensor &param, const char *name) {
            const torch::Tensor grad = param.grad().clone();
            QVERIFY2(grad.abs().sum().item<double>() > 0, name);
            torch::NoGradGuard noGrad;
            torch::Tensor flat = param.view({-1});
            for (int64_t i = 0; i < flat.size(0); ++i) {
                const double keep = flat[i].item<double>();
                flat[i] = keep + eps;
                const double up = loss().item<double>();
                flat[i] = keep - eps;
                const double down = loss().item<double>();
                flat[i] = keep;
                const double numeric = (up - down) / (2 * eps);
                const double analytic = grad.view({-1})[i].item<double>();
                QVERIFY2(std::abs(numeric - analytic) < 1e-6 * std::max(1.0, std::abs(numeric)),
                         qPrintable(QStringLiteral("%1[%2]: finite differences %3, autograd %4")
                                        .arg(QLatin1String(name))
                                        .arg(i)
                                        .arg(numeric)
                                        .arg(analytic)));
            }
        };
        check(values, "values");
        check(layer->weight, "weight");
        check(layer->bias, "bias");
    }

    // The pair (input → output, output → output) from one lattice filters as two separate
    // geometries do.
    void geometryPairMatchesSeparateGeometries()
    {
        torch::NoGradGuard noGrad;
        const torch::Tensor inF = randomFeatures(50, 4, 3.0f, 41);
        const torch::Tensor outF = randomFeatures(30, 4, 3.0f, 42);
        for (int n : {0, 1}) {
            const auto pair = bilateralGeometryPair(inF, outF, n);
            const auto toFrame = bilateralGeometry(inF, outF, n);
            const auto within = bilateralGeometry(outF, outF, n);
            QVERIFY(pair && toFrame && within);
            BilateralConv layer(4, 3, 3, n, 0.5, 0.1);
            const torch::Tensor values = torch::randn({50, 3});
            const torch::Tensor a = layer->forward(values, pair->first);
            QVERIFY((a - layer->forward(values, *toFrame)).abs().max().item<float>() < 1e-5f);
            const torch::Tensor b = layer->forward(a, pair->second);
            QVERIFY((b - layer->forward(a, *within)).abs().max().item<float>() < 1e-5f);
        }
    }

    // The pair from the C++ PermutohedralLattice's vertices (both point sets on one lattice, in
    // its own vertex order) filters as the pair LibTorch's lattice builds.
    void geometryPairAtTheCppLatticesVertices()
    {
        torch::NoGradGuard noGrad;
        const torch::Tensor inF = randomFeatures(300, 4, 6.0f, 43);
        const torch::Tensor outF = randomFeatures(200, 4, 6.0f, 44);
        propagation::PermutohedralLattice lattice(4, 1);
        const auto in = lattice.addPoints(inF.data_ptr<float>(), 300);
        const auto out = lattice.addPoints(outF.data_ptr<float>(), 200);
        auto tensors = [](const propagation::PermutohedralLattice::Points &p) {
            const auto rows = int64_t(p.count);
            return std::pair{
                torch::tensor(p.vertices, torch::kInt32).view({rows, 5}).to(torch::kInt64),
                torch::tensor(p.weights, torch::kFloat32).view({rows, 5})};
        };
        const auto [inVertex, inWeight] = tensors(in);
        const auto [outVertex, outWeight] = tensors(out);
        const auto cpp = bilateralGeometryPairAtVertices(4, inVertex, inWeight, outVertex,
                                                         outWeight, int64_t(lattice.vertexCount()));
        const auto torchPair = bilateralGeometryPair(inF, outF, 0);
        QVERIFY(torchPair.has_value());
        QCOMPARE(cpp.first.vertexCount, torchPair->first.vertexCount);
        QVERIFY((cpp.first.norm - torchPair->first.norm).abs().max().item<float>() < 1e-5f);
        QVERIFY((cpp.second.norm - torchPair->second.norm).abs().max().item<float>() < 1e-5f);
        QVERIFY((cpp.first.norm > 0).sum().item<int64_t>() > 100); // the case tests something
        BilateralConv layer(4, 3, 3, 0, 0.5, 0.1);
        const torch::Tensor values = torch::randn({300, 3});
        const torch::Tensor a = layer->forward(values, cpp.first);
        QVERIFY((a - layer->forward(values, torchPair->first)).abs().max().item<float>() < 1e-5f);
        const torch::Tensor b = layer->forward(a, cpp.second);
        QVERIFY((b - layer->forward(a, torchPair->second)).abs().max().item<float>() < 1e-5f);
        // Vertices of other shapes than N × (d + 1): refused.
        QVERIFY_THROWS_EXCEPTION(std::invalid_argument, bilateralGeometryPairAtVertices(
                                                            4, inVertex.narrow(1, 0, 4), inWeight,
                                                            outVertex, outWeight, 10));
    }

    // More points than one splat or slice step holds: the same as the layer's formula evaluated
    // in one piece (splat all, filter every vertex, slice all).
    void manyPointsAsInOnePiece()
    {
        torch::NoGradGuard noGrad;
        for (int n : {0, 1}) {
            const torch::Tensor inF = randomFeatures(70000, 3, 40.0f, 51);
            const torch::Tensor outF = randomFeatures(50000, 3, 40.0f, 52);
            const auto g = bilateralGeometry(inF, outF, n);
            QVERIFY(g.has_value());
            BilateralConv layer(3, 4, 3, n, 0.5, 0.1);
            const torch::Tensor values = torch::randn({70000, 4});
            const torch::Tensor got = layer->forward(values, *g);
            const int64_t d1 = 4, taps = layer->weight.size(2);
            const torch::Tensor splat =
                torch::zeros({g->vertexCount + 1, 4})
                    .index_add(0, g->inVertex.flatten(),
                               (g->inWeight.unsqueeze(2) * values.unsqueeze(1)).view({-1, 4}));
            const torch::Tensor filtered =
                torch::cat({splat.index_select(0, g->taps.flatten())
                                .view({g->vertexCount, taps * 4})
                                .matmul(layer->weight.permute({2, 1, 0}).reshape({taps * 4, 3})),
                            torch::zeros({1, 3})});
            const torch::Tensor sliced =
                (filtered.index_select(0, g->outVertex.flatten()).view({50000, d1, 3}) *
                 g->outWeight.unsqueeze(2))
                    .sum(1);
            const torch::Tensor norm =
                torch::where(g->norm > 0, g->norm, torch::ones_like(g->norm));
            const torch::Tensor want = sliced / norm.unsqueeze(1) + layer->bias;
            QVERIFY2((got - want).abs().max().item<float>() < 1e-4f,
                     qPrintable(QStringLiteral("neighbourhood %1: %2 apart")
                                    .arg(n)
                                    .arg((got - want).abs().max().item<float>())));
        }
    }

    // The lattice of more points than one embedding step holds embeds each point as a lattice of
    // that point alone does: the same vertex keys and barycentric weights.
    void manyPointsEmbedAsAlone()
    {
        torch::NoGradGuard noGrad;
        const torch::Tensor f = randomFeatures(150000, 4, 60.0f, 61);
        const auto all = lattice::build(f);
        QVERIFY(all.has_value());
        for (int64_t i : {int64_t(0), int64_t(70001), int64_t(149999)}) {
            const auto one = lattice::build(f.narrow(0, i, 1));
            QVERIFY(one.has_value());
            QVERIFY(torch::equal(all->keys.index_select(0, all->vertexOf[i]),
                                 one->keys.index_select(0, one->vertexOf[0])));
            QVERIFY(torch::equal(all->weights[i], one->weights[0]));
        }
    }

    void featuresTooLarge()
    {
        torch::Tensor big = torch::full({4, 4}, 2900.0f);
        big[1].fill_(-2900.0f);
        QVERIFY(!bilateralGeometry(big, big, 0).has_value());
    }
};

TINCTURE_TEST_MAIN(TestBilateralConv)
#include "tst_bilateralconv.moc"
