# Every dependency comes from a Debian package; tools/bootstrap installs them.
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(tinyxml2 REQUIRED)
find_package(GTest REQUIRED)
find_package(rapidcheck REQUIRED)
find_package(CLI11 REQUIRED)
find_package(PkgConfig REQUIRED)
# Debian's cpp-httplib is a compiled library with no CMake package. Its pkg-config file
# carries the -D flags the .so was built with; they must match or class layouts differ.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
