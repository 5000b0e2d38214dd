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
    ORDERS_PLUGIN_KIND ${P_KIND}
    ORDERS_PLUGIN_NAME ${P_NAME}
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

# orders_add_conformance_test(<plugin target> SPEC <conformance.yaml>
#                             [TOOL <path of order-service-conformance>])
#
# Adds the CTest `conformance.<kind>.<name>`: the built plugin checked by
# the conformance kit against the contract of its kind, with the neighbour
# the spec describes. The tool is the in-tree target when there is one, else
# order-service-conformance found next to the installed SDK or on PATH.
function(orders_add_conformance_test target)
  cmake_parse_arguments(C "" "SPEC;TOOL" "" ${ARGN})
  if(NOT C_SPEC)
    message(FATAL_ERROR "orders_add_conformance_test(${target}): SPEC is required")
  endif()
  get_filename_component(spec_abs "${C_SPEC}" ABSOLUTE)
  if(C_TOOL)
    set(tool "${C_TOOL}")
  elseif(TARGET order-service-conformance)
    set(tool $<TARGET_FILE:order-service-conformance>)
  else()
    find_program(ORDERS_CONFORMANCE_TOOL order-service-conformance
                 HINTS "${_ORDERS_PLUGIN_CMAKE_DIR}/../../../bin" REQUIRED)
    set(tool "${ORDERS_CONFORMANCE_TOOL}")
  endif()
  get_target_property(kind ${target} ORDERS_PLUGIN_KIND)
  get_target_property(name ${target} ORDERS_PLUGIN_NAME)
  add_test(NAME conformance.${kind}.${name} COMMAND "${tool}" --plugin $<TARGET_FILE:${target}> --spec "${spec_abs}")
endfunction()
