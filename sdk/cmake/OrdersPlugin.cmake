# orders_add_plugin(<target> KIND <kind> NAME <name> SCHEMA <config.schema.json>
#                   SOURCES <files...> [LIBRARIES <libs...>])
#
# Builds a plugin as a MODULE library named orders-<kind>-<name>.so with
# hidden visibility, linked against the SDK. The config schema file is
# embedded: the plugin includes "<target>_config_schema.hpp", which defines
# `inline constexpr const char *kConfigSchema`. In-tree builds also copy the
# library into ORDERS_PLUGIN_BUILD_DIR so the host finds it uninstalled.
set(_ORDERS_PLUGIN_CMAKE_DIR "${CMAKE_CURRENT_LIST_DIR}")

function(orders_add_plugin target)
  cmake_parse_arguments(P "" "KIND;NAME;SCHEMA" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_KIND OR NOT P_NAME OR NOT P_SCHEMA OR NOT P_SOURCES)
    message(FATAL_ERROR "orders_add_plugin(${target}): KIND, NAME, SCHEMA and SOURCES are required")
  endif()
  get_filename_component(schema_abs "${P_SCHEMA}" ABSOLUTE)
  set(gen_dir "${CMAKE_CURRENT_BINARY_DIR}/${target}_gen")
  set(gen_header "${gen_dir}/${target}_config_schema.hpp")
  add_custom_command(
    OUTPUT "${gen_header}"
    COMMAND ${CMAKE_COMMAND} -DINPUT=${schema_abs} -DOUTPUT=${gen_header}
            -P "${_ORDERS_PLUGIN_CMAKE_DIR}/embed_schema.cmake"
    DEPENDS "${schema_abs}" "${_ORDERS_PLUGIN_CMAKE_DIR}/embed_schema.cmake"
    COMMENT "Embedding ${P_SCHEMA} into ${target}")
  add_library(${target} MODULE ${P_SOURCES} "${gen_header}")
  target_include_directories(${target} PRIVATE "${gen_dir}")
  if(TARGET orders_sdk)
    target_link_libraries(${target} PRIVATE orders_sdk)
  else()
    target_link_libraries(${target} PRIVATE OrdersSDK::sdk)
  endif()
  if(P_LIBRARIES)
    target_link_libraries(${target} PRIVATE ${P_LIBRARIES})
  endif()
  if(TARGET orders_warnings)
    target_link_libraries(${target} PRIVATE orders_warnings)
  endif()
  set_target_properties(${target} PROPERTIES
    PREFIX ""
    OUTPUT_NAME "orders-${P_KIND}-${P_NAME}"
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_link_options(${target} PRIVATE -Wl,--no-undefined)
  if(DEFINED ORDERS_PLUGIN_BUILD_DIR)
    set_target_properties(${target} PROPERTIES LIBRARY_OUTPUT_DIRECTORY "${ORDERS_PLUGIN_BUILD_DIR}")
  endif()
  if(DEFINED ORDERS_PLUGIN_INSTALL_DIR)
    install(TARGETS ${target} LIBRARY DESTINATION ${ORDERS_PLUGIN_INSTALL_DIR})
  endif()
endfunction()
