# find_package(OrdersSDK) for out-of-tree plugins.
include(CMakeFindDependencyMacro)
find_dependency(jsoncpp CONFIG)
find_dependency(OpenSSL) # OrdersSDK::crypto
include("${CMAKE_CURRENT_LIST_DIR}/OrdersSDKTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/OrdersPlugin.cmake")
