// Shared main for every CppUnit test binary: runs all registered suites (or
// the ones named on the command line) and exits non-zero on any failure,
// 77 (CTest: skipped) when a test could not run (test_skip.hpp).
#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <iostream>

#include "test_skip.hpp"

int main(int argc, char **argv) {
  CppUnit::TestResult controller;
  CppUnit::TestResultCollector result;
  controller.addListener(&result);
  CppUnit::BriefTestProgressListener progress;
  controller.addListener(&progress);

  CppUnit::TestRunner runner;
  runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
  try {
    if (argc > 1) {
      for (int i = 1; i < argc; ++i)
        runner.run(controller, argv[i]);
    } else {
      runner.run(controller);
    }
  } catch (const std::invalid_argument &e) {
    std::cerr << "unknown test: " << e.what() << "\n";
    return 2;
  }
  CppUnit::CompilerOutputter outputter(&result, std::cerr);
  outputter.write();
  return orders::testing::exitCode(result.wasSuccessful());
}
