# Shared build settings and helpers for ossup modules.

add_library(ossup_warnings INTERFACE)
target_compile_options(ossup_warnings INTERFACE -Wall -Wextra -Werror)

# ossup_module(NAME <name> ALIAS <alias> [LINK <libs>...])
# One static library per module: public headers in include/, private sources in src/.
# src/ is a PRIVATE include directory, so no other module can include it.
function(ossup_module)
  cmake_parse_arguments(M "" "NAME;ALIAS" "LINK" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cc)
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  if(NOT sources)
    # A module whose sources have not landed yet: headers only.
    add_library(${M_NAME} INTERFACE)
    add_library(${M_ALIAS} ALIAS ${M_NAME})
    target_include_directories(${M_NAME} INTERFACE ${CMAKE_CURRENT_SOURCE_DIR}/include)
    target_link_libraries(${M_NAME} INTERFACE ${M_LINK})
    return()
  endif()
  add_library(${M_NAME} STATIC ${sources})
  add_library(${M_ALIAS} ALIAS ${M_NAME})
  target_include_directories(${M_NAME}
    PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/include
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${M_NAME} PUBLIC ${M_LINK} PRIVATE ossup_warnings)
endfunction()

# ossup_module_tests(NAME <exe> MODULE <target> [LINK <libs>...])
# Builds every src/**/*_test.cc of the module into one GoogleTest binary, labelled `unit`.
function(ossup_module_tests)
  cmake_parse_arguments(T "" "NAME;MODULE" "LINK" ${ARGN})
  file(GLOB_RECURSE tests CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*_test.cc)
  if(NOT tests)
    return()
  endif()
  add_executable(${T_NAME} ${tests})
  target_include_directories(${T_NAME} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  target_link_libraries(${T_NAME} PRIVATE ${T_MODULE} ${T_LINK} GTest::gtest GTest::gmock
                        GTest::gtest_main ossup_warnings)
  add_test(NAME ${T_NAME} COMMAND ${T_NAME})
  set_tests_properties(${T_NAME} PROPERTIES LABELS unit TIMEOUT 300)
endfunction()
