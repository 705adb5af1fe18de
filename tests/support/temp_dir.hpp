// A fresh folder per test case (named after the process and the test), removed with the fixture.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include <unistd.h>

namespace accessatlas::test {

class TempDirTest : public ::testing::Test {
protected:
    explicit TempDirTest(const std::string& prefix)
        : dir(std::filesystem::temp_directory_path() /
              (prefix + std::to_string(::getpid()) + "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name())) {
        std::filesystem::create_directories(dir);
    }
    ~TempDirTest() override { std::filesystem::remove_all(dir); }

    std::filesystem::path dir;
};

}  // namespace accessatlas::test
