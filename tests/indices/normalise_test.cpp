// Normalisations worked by hand: min-max in both directions on every basis, ranks, normal
// scores, z-scores, the IMD exponential transform, quantile bands.
#include <accessatlas/indices/indices.hpp>

#include <gtest/gtest.h>

#include <cmath>

using namespace accessatlas::indices;

namespace {
const std::vector<double> values{2, 4, 6, 10};
const std::vector<std::uint32_t> no_groups;
const std::vector<double> no_reference;
const double missing = std::nan("");

std::vector<double> norm(Normalisation m, Direction d, Basis b, const std::vector<std::uint32_t>& g = no_groups,
                         const std::vector<double>& ref = no_reference, const std::vector<double>& v = values) {
    return normalise(v, m, d, b, g, ref);
}
}  // namespace

TEST(MinMax, StudyAreaBothDirections) {
    // 10 (v - 2) / (10 - 2)
    const auto up = norm(Normalisation::minmax, Direction::higher_is_worse, Basis::area);
    EXPECT_DOUBLE_EQ(up[0], 0.0);
    EXPECT_DOUBLE_EQ(up[1], 2.5);
    EXPECT_DOUBLE_EQ(up[2], 5.0);
    EXPECT_DOUBLE_EQ(up[3], 10.0);
    // 10 (10 - v) / (10 - 2): the lowest download speed scores 10
    const auto down = norm(Normalisation::minmax, Direction::lower_is_worse, Basis::area);
    EXPECT_DOUBLE_EQ(down[0], 10.0);
    EXPECT_DOUBLE_EQ(down[1], 7.5);
    EXPECT_DOUBLE_EQ(down[2], 5.0);
    EXPECT_DOUBLE_EQ(down[3], 0.0);
}

TEST(MinMax, GroupBasisScalesEachDistrictOnItsOwn) {
    // districts {2, 4} and {6, 10}: each has its own 0 and 10
    const std::vector<std::uint32_t> g{7, 7, 3, 3};
    const auto up = norm(Normalisation::minmax, Direction::higher_is_worse, Basis::group, g);
    EXPECT_EQ(up, (std::vector<double>{0, 10, 0, 10}));
    const auto down = norm(Normalisation::minmax, Direction::lower_is_worse, Basis::group, g);
    EXPECT_EQ(down, (std::vector<double>{10, 0, 10, 0}));
}

TEST(MinMax, ReferenceBasisUsesTheNationalRange) {
    // England ranges 0 to 20: 10 v / 20; a value beyond the reference is held at 10
    const std::vector<double> england{0, 5, 20, 11, missing};
    const std::vector<double> v{2, 4, 6, 10, 30};
    const auto up = norm(Normalisation::minmax, Direction::higher_is_worse, Basis::reference, no_groups, england, v);
    EXPECT_DOUBLE_EQ(up[0], 1.0);
    EXPECT_DOUBLE_EQ(up[1], 2.0);
    EXPECT_DOUBLE_EQ(up[2], 3.0);
    EXPECT_DOUBLE_EQ(up[3], 5.0);
    EXPECT_DOUBLE_EQ(up[4], 10.0);
    const auto down = norm(Normalisation::minmax, Direction::lower_is_worse, Basis::reference, no_groups, england, v);
    EXPECT_DOUBLE_EQ(down[0], 9.0);  // 10 (20 - 2) / 20
    EXPECT_DOUBLE_EQ(down[3], 5.0);
    EXPECT_DOUBLE_EQ(down[4], 0.0);
}

TEST(MinMax, MissingStaysMissingAndConstantScoresZero) {
    std::size_t constants = 0;
    const auto s =
        normalise({3, missing, 3}, Normalisation::minmax, Direction::higher_is_worse, Basis::area, no_groups, no_reference, &constants);
    EXPECT_DOUBLE_EQ(s[0], 0.0);
    EXPECT_TRUE(std::isnan(s[1]));
    EXPECT_EQ(constants, 1u);
}

TEST(ExponentialTransform, AtRanksOneHalfAndN) {
    // X = -23 ln(1 - R (1 - e^(-100/23))), R = rank / N
    EXPECT_NEAR(exponential_transform(1.0), 100.0, 1e-9);                       // rank N: the worst
    EXPECT_NEAR(exponential_transform(0.5), 15.646790072602894, 1e-9);          // rank N/2
    EXPECT_NEAR(exponential_transform(1.0 / 192), 0.11854715837978087, 1e-12);  // rank 1 of Leicester's 192
    // Through normalise: ranks 1..4 of 4 values
    const auto x = norm(Normalisation::exponential, Direction::higher_is_worse, Basis::area);
    EXPECT_NEAR(x[0], 6.517733263680379, 1e-9);   // R = 1/4
    EXPECT_NEAR(x[1], 15.646790072602894, 1e-9);  // R = 2/4
    EXPECT_NEAR(x[2], 31.009143532807215, 1e-9);  // R = 3/4
    EXPECT_NEAR(x[3], 100.0, 1e-9);               // R = 4/4
    // Lower is worse: the smallest value takes rank N
    const auto y = norm(Normalisation::exponential, Direction::lower_is_worse, Basis::area);
    EXPECT_NEAR(y[0], 100.0, 1e-9);
}

TEST(Ranks, TiesAverageAndReferenceRanksAsIfInserted) {
    const auto r = normalise({5, 1, 5, 9}, Normalisation::rank, Direction::higher_is_worse, Basis::area, no_groups, no_reference);
    EXPECT_DOUBLE_EQ(r[1], 0.25);   // rank 1 of 4
    EXPECT_DOUBLE_EQ(r[0], 0.625);  // ranks 2 and 3 share 2.5
    EXPECT_DOUBLE_EQ(r[2], 0.625);
    EXPECT_DOUBLE_EQ(r[3], 1.0);
    // against England {1, 2, 3, 4}: 2.5 is inserted at rank 3 of 5
    const auto q = normalise({2.5}, Normalisation::rank, Direction::higher_is_worse, Basis::reference, no_groups, {1, 2, 3, 4});
    EXPECT_DOUBLE_EQ(q[0], 0.6);
}

TEST(NormalScores, InverseNormalOfRankOverNPlusOne) {
    const auto z = norm(Normalisation::normal, Direction::higher_is_worse, Basis::area);
    EXPECT_NEAR(z[0], -0.8416212335729142, 1e-12);  // Phi^-1(1/5)
    EXPECT_NEAR(z[1], -0.2533471031357998, 1e-12);  // Phi^-1(2/5)
    EXPECT_NEAR(z[2], 0.2533471031357998, 1e-12);
    EXPECT_NEAR(z[3], 0.8416212335729144, 1e-12);
}

TEST(ZScore, SampleStandardDeviation) {
    // mean 5.5, sd sqrt(35 / 3)
    const auto z = norm(Normalisation::zscore, Direction::higher_is_worse, Basis::area);
    EXPECT_NEAR(z[0], -1.02469507659596, 1e-12);
    EXPECT_NEAR(z[3], 1.3174650984805198, 1e-12);
    const auto w = norm(Normalisation::zscore, Direction::lower_is_worse, Basis::area);
    EXPECT_NEAR(w[0], 1.02469507659596, 1e-12);
}

TEST(Bands, QuantilesCountFromTheWorstAndTiesShare) {
    // ranks from the highest: 9 -> 1, 7 and 7 -> 2, 5 -> 4, 1 -> 5, NaN -> 0
    const std::vector<double> v{7, 9, 1, 7, 5, missing};
    EXPECT_EQ(descending_ranks(v), (std::vector<int>{2, 1, 5, 2, 4, 0}));
    // quintile = floor((rank - 1) * 5 / 5) + 1 with 5 values
    EXPECT_EQ(quantile_groups(v, 5), (std::vector<int>{2, 1, 5, 2, 4, 0}));
    // deciles of 5 values: floor((rank - 1) * 10 / 5) + 1
    EXPECT_EQ(quantile_groups(v, 10), (std::vector<int>{3, 1, 9, 3, 7, 0}));
}
