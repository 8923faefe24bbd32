#pragma once
// The permutohedral lattice of Adams, Baek & Davis (2010): Gaussian filtering of values
// attached to points in a low-dimensional feature space (here (x, y, Y) or (x, y, Y, t)) in time
// linear in the number of points. Points are embedded in the lattice (each touches the d + 1
// vertices of its enclosing simplex), values are splatted onto the vertices with barycentric
// weights, blurred along the d + 1 lattice directions with a [1 2 1] kernel, and sliced back
// at any embedded points (not necessarily those splatted).
//
// Scale convention (as VPN's and Adams's code): features are pre-multiplied by their inverse
// standard deviations, so the filter approximates exp(−|f_i − f_j|² / 2) in feature units
// (e.g. x · 0.04 gives a spatial σ of 25 pixels). The normalised result (sliced values divided
// by a sliced homogeneous weight) is what callers use; the raw scale is not unit-gain.
//
// Threading: one lattice is built and used on one thread; its heavy loops (embedding, blur,
// slice) run in parallel internally on OpenCV's thread pool (cv::setNumThreads applies).
// Memory: per point (d + 1) vertex indices and weights; per vertex its key and values.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tincture::propagation {

class PermutohedralLattice
{
public:
    static constexpr int kMaxFeatureDims = 4; // keys are packed into 64 bits (16 bits a coord)
    // Largest feature magnitude a key can hold (features are embedded with a (d + 1) factor).
    static constexpr float kMaxFeature = 3000.0f;

    // The embedding of a set of points: for each, the d + 1 vertices it touches and weights.
    struct Points
    {
        size_t count = 0;
        std::vector<int32_t> vertices; // count × (d + 1) vertex indices
        std::vector<float> weights;    // count × (d + 1) barycentric weights
    };

    // Points embedded but not yet added to a lattice: independent of any lattice's vertices,
    // so a set used every frame (a keyframe) is embedded once and added to each new lattice.
    struct Embedding
    {
        size_t count = 0;
        int featureDims = 0;
        std::vector<uint64_t> keys; // count × (d + 1) packed vertex keys
        std::vector<float> weights; // count × (d + 1) barycentric weights
    };

    // Vertices with values, independent of any lattice: what a fixed set of points splats (a
    // keyframe), taken once and added to each new lattice instead of splatting it again.
    struct Splatted
    {
        int featureDims = 0;
        int valueDims = 0;
        std::vector<uint64_t> keys; // per vertex its packed key
        std::vector<float> values;  // per vertex × valueDims
    };

    // featureDims in 1 … kMaxFeatureDims, valueDims ≥ 1.
    PermutohedralLattice(int featureDims, int valueDims);

    int featureDims() const { return m_d; }
    int valueDims() const { return m_vd; }
    size_t vertexCount() const { return m_keys.size(); }

    // Embeds count points (features row-major, count × featureDims, each |f| ≤ kMaxFeature;
    // larger values are clamped) and adds their vertices to the lattice. Every set that will be
    // splatted or sliced must be added before blur(): blurring only reaches existing vertices.
    Points addPoints(const float *features, size_t count);
    Embedding embed(const float *features, size_t count) const; // in parallel; no vertices added
    Points addPoints(const Embedding &embedding);

    // Adds count × valueDims values (row-major) of the points onto their vertices, weighted
    // by weights[i] when not null (e.g. a confidence; the homogeneous channel is the caller's).
    void splat(const Points &points, const float *values, const float *weights = nullptr);

    // The vertices and their values so far (call before blur()).
    Splatted splatted() const;
    // Adds the vertices (if new) and adds their values: the same as splatting again the points
    // that produced them, up to rounding. Like addPoints, before blur().
    void addSplatted(const Splatted &splatted);

    // Gaussian blur of the vertex values along the d + 1 lattice directions.
    void blur();

    // Interpolates the vertex values at the points: out is count × valueDims.
    void slice(const Points &points, float *out) const;

    // Zeroes the vertex values, keeping the vertices (to filter other values at the same points).
    void clearValues();

private:
    Points insert(const Embedding &embedding, std::vector<float> weights);
    int32_t insertKey(uint64_t key);
    int32_t findKey(uint64_t key) const;
    void growTable();
    void computeNeighbours();

    int m_d;
    int m_vd;
    std::vector<float> m_scale;   // per feature: elevation scale factor
    std::vector<uint64_t> m_keys; // per vertex: its packed key (first d coordinates)
    struct Slot
    {
        uint64_t key = 0;
        int32_t vertex = -1; // -1: empty
    };
    std::vector<Slot> m_table; // open addressing; the key inline saves a cache miss
    uint64_t m_tableMask = 0;
    std::vector<float> m_values;       // per vertex × valueDims
    std::vector<int32_t> m_neighbours; // per vertex × (d + 1) × 2, computed by blur()
    size_t m_neighboursFor = 0;        // vertex count the neighbour table was built for
};

} // namespace tincture::propagation
