# check_junit.cmake — reads a JUnit report back as a CI job would, and fails unless it
# is one well-formed <testsuites> with at least one testcase and no failure.
#
#   cmake -DJUNIT=build/examples/sim-at/junit.xml -P examples/check_junit.cmake
#
# Well-formed here means what CI parsers rely on (CMake has no XML parser): the XML
# declaration, one <testsuites> element closed at the end, each <testcase> closed
# (empty or with an end tag), and tests= equal to the number of testcases.
if(NOT DEFINED JUNIT)
  message(FATAL_ERROR "usage: cmake -DJUNIT=FILE -P check_junit.cmake")
endif()
if(NOT EXISTS "${JUNIT}")
  message(FATAL_ERROR "${JUNIT}: no such file (did the simulation run?)")
endif()
file(READ "${JUNIT}" xml)
# A ';' (as in &#39;) would split CMake's match lists: counting needs none.
string(REPLACE ";" "_" xml "${xml}")

if(NOT xml MATCHES "^<\\?xml version=\"1\\.0\" encoding=\"UTF-8\"\\?>\n<testsuites ")
  message(FATAL_ERROR "${JUNIT}: does not start with the XML declaration and <testsuites>")
endif()
if(NOT xml MATCHES "</testsuite>\n</testsuites>\n$")
  message(FATAL_ERROR "${JUNIT}: does not end with </testsuite></testsuites>")
endif()

string(REGEX MATCHALL "<testcase " opened "${xml}")
string(REGEX MATCHALL "<testcase [^>]*/>" empty "${xml}")
string(REGEX MATCHALL "</testcase>" closed "${xml}")
list(LENGTH opened n_cases)
list(LENGTH empty n_empty)
list(LENGTH closed n_closed)
math(EXPR n_done "${n_empty} + ${n_closed}")
if(NOT n_cases EQUAL n_done)
  message(FATAL_ERROR "${JUNIT}: ${n_cases} <testcase> but ${n_done} closed")
endif()

if(NOT xml MATCHES "<testsuite name=\"[^\"]*\" tests=\"([0-9]+)\" failures=\"([0-9]+)\"")
  message(FATAL_ERROR "${JUNIT}: no <testsuite> with tests= and failures=")
endif()
set(tests ${CMAKE_MATCH_1})
set(failures ${CMAKE_MATCH_2})
if(NOT tests EQUAL n_cases)
  message(FATAL_ERROR "${JUNIT}: tests=\"${tests}\" but ${n_cases} testcases")
endif()
if(tests EQUAL 0)
  message(FATAL_ERROR "${JUNIT}: no testcase at all")
endif()
string(REGEX MATCHALL "<failure " failed "${xml}")
list(LENGTH failed n_failed)
if(NOT failures EQUAL 0 OR NOT n_failed EQUAL 0)
  message(FATAL_ERROR "${JUNIT}: ${failures} failure(s) of ${tests}")
endif()
message(STATUS "${JUNIT}: ${tests} testcases, 0 failures")
