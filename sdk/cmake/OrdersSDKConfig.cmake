# find_package(OrdersSDK) for out-of-tree plugins.
include(CMakeFindDependencyMacro)
find_dependency(jsoncpp CONFIG)
include("${CMAKE_CURRENT_LIST_DIR}/OrdersSDKTargets.cmake")
include("${CMAKE_CURRENT_LIST_DIR}/OrdersPlugin.cmake")
