#include "propagation/internal/permutohedral.h"

#include <opencv2/core.hpp>

#include <algorithm>
#include <cassert>
#include <cmath>

namespace tincture::propagation {

namespace {

constexpr int kMaxD = PermutohedralLattice::kMaxFeatureDims;

uint64_t packKey(const int *coords, int d)
{
    uint64_t key = 0;
    for (int i = 0; i < d; ++i)
        key |= uint64_t(uint16_t(int16_t(coords[i]))) << (16 * i);
    return key;
}

void unpackKey(uint64_t key, int d, int *coords)
{
    for (int i = 0; i < d; ++i)
        coords[i] = int16_t(uint16_t(key >> (16 * i)));
}

// A full 64-bit mix (SplitMix64's finaliser): the table takes the low bits, and keys differ
// mostly in their upper coordinates.
uint64_t hashKey(uint64_t key)
{
    key ^= key >> 31;
    key *= 0x7FB5D329728EA185ull;
    key ^= key >> 27;
    key *= 0x81DADEF4BC2DD44Dull;
    return key ^ (key >> 33);
}

// Splits [0, n) into chunks for cv::parallel_for_ (a few per thread, so uneven rows balance).
template <typename F> void parallelChunks(size_t n, size_t minChunk, F &&body)
{
    const size_t chunks =
        std::max<size_t>(1, std::min<size_t>(64, n / std::max<size_t>(1, minChunk)));
    cv::parallel_for_(cv::Range(0, int(chunks)), [&](const cv::Range &r) {
        for (int c = r.start; c < r.end; ++c)
            body(n * size_t(c) / chunks, n * size_t(c + 1) / chunks);
    });
}

} // namespace

PermutohedralLattice::PermutohedralLattice(int featureDims, int valueDims)
    : m_d(std::clamp(featureDims, 1, kMaxD)), m_vd(std::max(1, valueDims))
{
    assert(featureDims >= 1 && featureDims <= kMaxD);
    // Adams et al.'s elevation: a filter of standard deviation 1 in feature units.
    const double invStdDev = std::sqrt(2.0 / 3.0) * (m_d + 1);
    for (int i = 0; i < m_d; ++i)
        m_scale.push_back(float(invStdDev / std::sqrt(double(i + 1) * (i + 2))));
    m_table.assign(1024, Slot{});
    m_tableMask = m_table.size() - 1;
}

int32_t PermutohedralLattice::findKey(uint64_t key) const
{
    for (uint64_t h = hashKey(key) & m_tableMask;; h = (h + 1) & m_tableMask) {
        const Slot &slot = m_table[h];
        if (slot.vertex < 0 || slot.key == key)
            return slot.vertex;
    }
}

void PermutohedralLattice::growTable()
{
    m_table.assign(m_table.size() * 2, Slot{});
    m_tableMask = m_table.size() - 1;
    for (size_t v = 0; v < m_keys.size(); ++v) {
        uint64_t h = hashKey(m_keys[v]) & m_tableMask;
        while (m_table[h].vertex >= 0)
            h = (h + 1) & m_tableMask;
        m_table[h] = Slot{m_keys[v], int32_t(v)};
    }
}

int32_t PermutohedralLattice::insertKey(uint64_t key)
{
    if ((m_keys.size() + 1) * 2 > m_table.size())
        growTable();
    uint64_t h = hashKey(key) & m_tableMask;
    for (;; h = (h + 1) & m_tableMask) {
        const Slot &slot = m_table[h];
        if (slot.vertex < 0)
            break;
        if (slot.key == key)
            return slot.vertex;
    }
    const auto v = int32_t(m_keys.size());
    m_table[h] = Slot{key, v};
    m_keys.push_back(key);
    m_values.resize(m_values.size() + size_t(m_vd), 0.0f);
    return v;
}

PermutohedralLattice::Points PermutohedralLattice::addPoints(const float *features, size_t count)
{
    Embedding e = embed(features, count);
    return insert(e, std::move(e.weights));
}

PermutohedralLattice::Points PermutohedralLattice::addPoints(const Embedding &embedding)
{
    assert(embedding.featureDims == m_d);
    return insert(embedding, embedding.weights);
}

namespace {

// One point's embedding (elevation, rounding, sorting, barycentric weights) with the feature
// count known at compile time: the loops unroll, which makes embedding about twice as fast as
// with d a run-time value; the arithmetic is the same.
template <int D>
void embedRange(const float *features, const float *scale, size_t begin, size_t end, uint64_t *keys,
                float *weights)
{
    constexpr int d1 = D + 1;
    constexpr float kMax = PermutohedralLattice::kMaxFeature;
    float elevated[D + 1];
    int greedy[D + 1], rank[D + 1], key[D + 1];
    float bary[D + 2];
    const float inv = 1.0f / float(d1);
    for (size_t p = begin; p < end; ++p) {
        const float *f = features + p * size_t(D);
        float sum = 0.0f;
        for (int i = D; i > 0; --i) {
            const float cf = std::clamp(f[i - 1], -kMax, kMax) * scale[i - 1];
            elevated[i] = sum - float(i) * cf;
            sum += cf;
        }
        elevated[0] = sum;
        // The nearest remainder-0 lattice point.
        int coordSum = 0;
        for (int i = 0; i <= D; ++i) {
            const float v = elevated[i] * inv;
            const float up = std::ceil(v) * float(d1), down = std::floor(v) * float(d1);
            greedy[i] = int(up - elevated[i] < elevated[i] - down ? up : down);
            coordSum += greedy[i];
        }
        coordSum /= d1;
        for (int i = 0; i <= D; ++i)
            rank[i] = 0;
        for (int i = 0; i < D; ++i) {
            const float di = elevated[i] - float(greedy[i]);
            for (int j = i + 1; j <= D; ++j)
                if (di < elevated[j] - float(greedy[j]))
                    ++rank[i];
                else
                    ++rank[j];
        }
        if (coordSum > 0) {
            for (int i = 0; i <= D; ++i) {
                if (rank[i] >= d1 - coordSum) {
                    greedy[i] -= d1;
                    rank[i] += coordSum - d1;
                } else {
                    rank[i] += coordSum;
                }
            }
        } else if (coordSum < 0) {
            for (int i = 0; i <= D; ++i) {
                if (rank[i] < -coordSum) {
                    greedy[i] += d1;
                    rank[i] += d1 + coordSum;
                } else {
                    rank[i] += coordSum;
                }
            }
        }
        for (int i = 0; i <= D + 1; ++i)
            bary[i] = 0.0f;
        for (int i = 0; i <= D; ++i) {
            const float delta = (elevated[i] - float(greedy[i])) * inv;
            bary[D - rank[i]] += delta;
            bary[D + 1 - rank[i]] -= delta;
        }
        bary[0] += 1.0f + bary[D + 1];
        // Vertex r of the simplex: greedy + the canonical simplex's r-th vertex.
        for (int r = 0; r <= D; ++r) {
            for (int i = 0; i < D; ++i)
                key[i] = greedy[i] + (rank[i] <= D - r ? r : r - d1);
            keys[p * size_t(d1) + size_t(r)] = packKey(key, D);
            weights[p * size_t(d1) + size_t(r)] = bary[r];
        }
    }
}

} // namespace

PermutohedralLattice::Embedding PermutohedralLattice::embed(const float *features,
                                                            size_t count) const
{
    const int d1 = m_d + 1;
    Embedding pts;
    pts.count = count;
    pts.featureDims = m_d;
    pts.weights.resize(count * size_t(d1));
    pts.keys.resize(count * size_t(d1));
    uint64_t *keys = pts.keys.data();
    float *weights = pts.weights.data();
    const float *scale = m_scale.data();
    // The expensive part is per point and independent: in parallel. The keys are inserted
    // serially afterwards (a cheap hash per key).
    parallelChunks(count, 4096, [&](size_t begin, size_t end) {
        switch (m_d) {
        case 1:
            embedRange<1>(features, scale, begin, end, keys, weights);
            break;
        case 2:
            embedRange<2>(features, scale, begin, end, keys, weights);
            break;
        case 3:
            embedRange<3>(features, scale, begin, end, keys, weights);
            break;
        default:
            embedRange<4>(features, scale, begin, end, keys, weights);
            break;
        }
    });
    return pts;
}

PermutohedralLattice::Points PermutohedralLattice::insert(const Embedding &embedding,
                                                          std::vector<float> weights)
{
    const int d1 = m_d + 1;
    const size_t count = embedding.count;
    const std::vector<uint64_t> &keys = embedding.keys;
    Points pts;
    pts.count = count;
    pts.weights = std::move(weights);
    pts.vertices.resize(count * size_t(d1));
    // Neighbouring points mostly share vertices, not always in the same place of their
    // simplices: a key the previous point had takes its vertex without hashing.
    uint64_t lastKey[kMaxD + 1] = {}, key[kMaxD + 1];
    int32_t lastVertex[kMaxD + 1], vertex[kMaxD + 1];
    std::fill(lastVertex, lastVertex + d1, -1);
    for (size_t p = 0; p < count; ++p) {
        for (int r = 0; r < d1; ++r) {
            const uint64_t k = keys[p * size_t(d1) + size_t(r)];
            int32_t v = -1;
            for (int q = 0; q < d1; ++q)
                if (lastVertex[q] >= 0 && lastKey[q] == k)
                    v = lastVertex[q];
            key[r] = k;
            vertex[r] = v >= 0 ? v : insertKey(k);
            pts.vertices[p * size_t(d1) + size_t(r)] = vertex[r];
        }
        std::copy(key, key + d1, lastKey);
        std::copy(vertex, vertex + d1, lastVertex);
    }
    return pts;
}

void PermutohedralLattice::splat(const Points &points, const float *values, const float *weights)
{
    const int d1 = m_d + 1;
    for (size_t p = 0; p < points.count; ++p) {
        const float w = weights ? weights[p] : 1.0f;
        if (w == 0.0f)
            continue;
        const float *v = values + p * size_t(m_vd);
        for (int r = 0; r < d1; ++r) {
            const float b = points.weights[p * size_t(d1) + size_t(r)] * w;
            float *dst =
                &m_values[size_t(points.vertices[p * size_t(d1) + size_t(r)]) * size_t(m_vd)];
            for (int c = 0; c < m_vd; ++c)
                dst[c] += b * v[c];
        }
    }
}

void PermutohedralLattice::computeNeighbours()
{
    const int d = m_d, d1 = m_d + 1;
    const size_t n = m_keys.size();
    m_neighbours.resize(n * size_t(d1) * 2);
    parallelChunks(n, 2048, [&](size_t begin, size_t end) {
        int key[kMaxD + 1], n1[kMaxD + 1], n2[kMaxD + 1];
        for (size_t v = begin; v < end; ++v) {
            unpackKey(m_keys[v], d, key);
            for (int j = 0; j <= d; ++j) {
                for (int k = 0; k < d; ++k) {
                    n1[k] = key[k] + 1;
                    n2[k] = key[k] - 1;
                }
                if (j < d) {
                    n1[j] = key[j] - d;
                    n2[j] = key[j] + d;
                }
                int32_t *out = &m_neighbours[(v * size_t(d1) + size_t(j)) * 2];
                out[0] = findKey(packKey(n1, d));
                out[1] = findKey(packKey(n2, d));
            }
        }
    });
    m_neighboursFor = n;
}

void PermutohedralLattice::blur()
{
    const int d1 = m_d + 1, vd = m_vd;
    const size_t n = m_keys.size();
    if (m_neighboursFor != n)
        computeNeighbours();
    std::vector<float> next(m_values.size());
    for (int j = 0; j < d1; ++j) {
        parallelChunks(n, 4096, [&](size_t begin, size_t end) {
            for (size_t v = begin; v < end; ++v) {
                const int32_t *nb = &m_neighbours[(v * size_t(d1) + size_t(j)) * 2];
                const float *c = &m_values[v * size_t(vd)];
                float *o = &next[v * size_t(vd)];
                for (int k = 0; k < vd; ++k)
                    o[k] = 0.5f * c[k];
                for (int s = 0; s < 2; ++s)
                    if (nb[s] >= 0) {
                        const float *q = &m_values[size_t(nb[s]) * size_t(vd)];
                        for (int k = 0; k < vd; ++k)
                            o[k] += 0.25f * q[k];
                    }
            }
        });
        m_values.swap(next);
    }
}

void PermutohedralLattice::slice(const Points &points, float *out) const
{
    const int d1 = m_d + 1, vd = m_vd;
    parallelChunks(points.count, 4096, [&](size_t begin, size_t end) {
        for (size_t p = begin; p < end; ++p) {
            float *o = out + p * size_t(vd);
            for (int k = 0; k < vd; ++k)
                o[k] = 0.0f;
            for (int r = 0; r < d1; ++r) {
                const float b = points.weights[p * size_t(d1) + size_t(r)];
                const float *v =
                    &m_values[size_t(points.vertices[p * size_t(d1) + size_t(r)]) * size_t(vd)];
                for (int k = 0; k < vd; ++k)
                    o[k] += b * v[k];
            }
        }
    });
}

PermutohedralLattice::Splatted PermutohedralLattice::splatted() const
{
    Splatted s;
    s.featureDims = m_d;
    s.valueDims = m_vd;
    // Every vertex, even one left at zero: it still carries the blur between its neighbours.
    s.keys = m_keys;
    s.values = m_values;
    return s;
}

void PermutohedralLattice::addSplatted(const Splatted &splatted)
{
    assert(splatted.featureDims == m_d && splatted.valueDims == m_vd);
    for (size_t i = 0; i < splatted.keys.size(); ++i) {
        float *dst = &m_values[size_t(insertKey(splatted.keys[i])) * size_t(m_vd)];
        const float *src = &splatted.values[i * size_t(m_vd)];
        for (int c = 0; c < m_vd; ++c)
            dst[c] += src[c];
    }
}

void PermutohedralLattice::clearValues()
{
    std::fill(m_values.begin(), m_values.end(), 0.0f);
}

} // namespace tincture::propagation
