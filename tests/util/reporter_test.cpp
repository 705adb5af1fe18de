// The reporters that sit between the engine and its driver: what each passes on, changes or
// keeps to itself.
#include <accessatlas/reporter.hpp>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

using namespace accessatlas;

namespace {

// The driver: records every call, in order.
struct Recorder : Reporter {
    std::vector<std::string> calls;
    std::vector<double> overalls;
    bool cancel = false;
    void stage(std::string_view n) override { calls.push_back("stage " + std::string(n)); }
    void progress(double f) override { calls.push_back("progress " + std::to_string(f)); }
    void overall(double f) override {
        calls.push_back("overall");
        overalls.push_back(f);
    }
    void weigh_next_stage(double w) override { calls.push_back("weigh " + std::to_string(w)); }
    void info(std::string_view m) override { calls.push_back("info " + std::string(m)); }
    void warning(std::string_view m) override { calls.push_back("warning " + std::string(m)); }
    void item(const WarningItem& i) override { calls.push_back("item " + i.kind); }
    bool cancelled() const override { return cancel; }
};

void call_everything(Reporter& r) {
    r.stage("s");
    r.progress(0.5);
    r.overall(0.25);
    r.weigh_next_stage(3);
    r.info("i");
    r.warning("w");
    r.item({"facility_excluded", "", "", "", "", "", ""});
}

}  // namespace

TEST(Reporters, ForwardingAndCollectingPassEverythingOn) {
    Recorder driver;
    CollectingReporter collect(&driver);
    call_everything(collect);
    const std::vector<std::string> all{"stage s",   "progress 0.500000",     "overall", "weigh 3.000000", "info i",
                                       "warning w", "item facility_excluded"};
    EXPECT_EQ(driver.calls, all);
    EXPECT_EQ(collect.warnings(), std::vector<std::string>{"w"});
    ASSERT_EQ(collect.items().size(), 1u);
    EXPECT_FALSE(collect.cancelled());
    driver.cancel = true;
    EXPECT_TRUE(collect.cancelled());
    CollectingReporter alone;  // no driver: calls are dropped, warnings still collected
    call_everything(alone);
    EXPECT_EQ(alone.warnings().size(), 1u);
    EXPECT_FALSE(alone.cancelled());
}

TEST(Reporters, AProgressSpanMovesOnlyItsShareOfTheCallersStage) {
    Recorder driver;
    ProgressSpan span(driver, 0.2, 0.6);
    call_everything(span);
    // Its inner stage, overall and weight are not the run's; its progress is scaled.
    const std::vector<std::string> passed{"progress 0.400000", "info i", "warning w", "item facility_excluded"};
    EXPECT_EQ(driver.calls, passed);
    driver.cancel = true;
    EXPECT_TRUE(span.cancelled());
}

TEST(Reporters, CancelOnlyKeepsNothingButCancellation) {
    Recorder driver;
    CancelOnly quiet(driver);
    call_everything(quiet);
    EXPECT_TRUE(driver.calls.empty());
    EXPECT_FALSE(quiet.cancelled());
    driver.cancel = true;
    EXPECT_TRUE(quiet.cancelled());
}

// Four expected units of work: a stage weighing 2, then three of 1. Worked by hand:
//   A (weight 2) at half way: (0 + 0.5 x 2) / 4 = 0.25; B starts at 2 / 4 = 0.5; B reporting
//   less than before moves nothing back; C starts at 3 / 4 = 0.75 and is at 0.875 half way;
//   D is beyond the estimate: the bar stretches to 5 units, so D's start (4 / 5 = 0.8) is not
//   shown (below 0.875), D half way is 4.5 / 5 = 0.9, D's end is held at 0.99 until finish.
TEST(Reporters, StagedProgressWeighsStagesAndNeverGoesBack) {
    Recorder driver;
    StagedProgress staged(driver, 4);
    staged.overall(0.9);  // an inner overall is not the run's
    EXPECT_TRUE(driver.overalls.empty());
    staged.weigh_next_stage(2);
    staged.stage("A");
    staged.progress(0.5);
    ASSERT_FALSE(driver.overalls.empty());
    EXPECT_DOUBLE_EQ(driver.overalls.back(), 0.25);
    staged.stage("B");
    EXPECT_DOUBLE_EQ(driver.overalls.back(), 0.5);
    auto published = driver.overalls.size();
    staged.progress(0.0);
    EXPECT_EQ(driver.overalls.size(), published);  // nothing new: it never goes back
    staged.stage("C");
    EXPECT_DOUBLE_EQ(driver.overalls.back(), 0.75);
    staged.progress(0.5);
    EXPECT_DOUBLE_EQ(driver.overalls.back(), 0.875);
    published = driver.overalls.size();
    staged.stage("D");  // beyond the estimate
    EXPECT_EQ(driver.overalls.size(), published);
    staged.progress(0.5);
    EXPECT_DOUBLE_EQ(driver.overalls.back(), 0.9);
    staged.progress(1.0);
    EXPECT_DOUBLE_EQ(driver.overalls.back(), 0.99);
    for (std::size_t i = 1; i < driver.overalls.size(); ++i) EXPECT_GT(driver.overalls[i], driver.overalls[i - 1]);
    staged.finish();
    EXPECT_DOUBLE_EQ(driver.overalls.back(), 1.0);
    EXPECT_EQ(staged.stages(), 4u);
    // Stage names, progress and messages reach the driver as they are; the weight does not.
    staged.info("i");
    staged.warning("w");
    for (const std::string call : {"stage B", "progress 0.500000", "info i", "warning w"})
        EXPECT_NE(std::find(driver.calls.begin(), driver.calls.end(), call), driver.calls.end()) << call;
    EXPECT_EQ(std::find(driver.calls.begin(), driver.calls.end(), "weigh 2.000000"), driver.calls.end());
}
