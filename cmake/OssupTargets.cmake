# Shared build settings and helpers for ossup modules.
include(GNUInstallDirs)

add_library(ossup_warnings INTERFACE)
target_compile_options(ossup_warnings INTERFACE -Wall -Wextra -Werror)
# Clang checks the locking that ossup/protocol/thread_annotations.h declares (the `clang` preset).
if(CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
  target_compile_options(ossup_warnings INTERFACE -Wthread-safety)
endif()

# ossup_module(NAME <name> ALIAS <alias> [LINK <libs>...])
# One static library per module: public headers in include/, private sources in src/.
# src/ is a PRIVATE include directory, so no other module can include it. Every module is
# installed and exported (cmake/OssupInstall.cmake) as ossup::<alias suffix>.
function(ossup_module)
  cmake_parse_arguments(M "" "NAME;ALIAS" "LINK" ${ARGN})
  file(GLOB_RECURSE sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/src/*.cc)
  list(FILTER sources EXCLUDE REGEX "_test\\.cc$")
  if(NOT sources)
    # A module whose sources have not landed yet: headers only.
    add_library(${M_NAME} INTERFACE)
    add_library(${M_ALIAS} ALIAS ${M_NAME})
    target_include_directories(${M_NAME} INTERFACE
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    target_link_libraries(${M_NAME} INTERFACE ${M_LINK})
    target_compile_features(${M_NAME} INTERFACE cxx_std_20)
  else()
    add_library(${M_NAME} STATIC ${sources})
    add_library(${M_ALIAS} ALIAS ${M_NAME})
    target_include_directories(${M_NAME}
      PUBLIC $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
             $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>
      PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
    # BUILD_INTERFACE: the warnings are ossup's own; they do not reach the exported targets.
    target_link_libraries(${M_NAME} PUBLIC ${M_LINK} PRIVATE $<BUILD_INTERFACE:ossup_warnings>)
    # The public headers are C++20: consumers get the standard with the target.
    target_compile_features(${M_NAME} PUBLIC cxx_std_20)
  endif()
  # ossup::client is exported (cmake/OssupInstall.cmake) as ossup::client too.
  string(REGEX REPLACE "^ossup::" "" export_name ${M_ALIAS})
  set_target_properties(${M_NAME} PROPERTIES EXPORT_NAME ${export_name})
  set_property(GLOBAL APPEND PROPERTY OSSUP_MODULES ${M_NAME})
  set_property(GLOBAL APPEND PROPERTY OSSUP_MODULE_INCLUDE_DIRS ${CMAKE_CURRENT_SOURCE_DIR}/include)
endfunction()

# ossup_module_tests(NAME <exe> MODULE <target> [LINK <libs>...])
# Builds every src/**/*_test.cc of the module into one GoogleTest binary, labelled `unit`.
# Nothing when OSSUP_BUILD_TESTS is off.
function(ossup_module_tests)
  cmake_parse_arguments(T "" "NAME;MODULE" "LINK" ${ARGN})
  if(NOT OSSUP_BUILD_TESTS)
    return()
  endif()
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
