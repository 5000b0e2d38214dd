# cmake -DINPUT=schema.json -DOUTPUT=header.hpp [-DNAME=kConfigSchema] -P embed_schema.cmake
if(NOT NAME)
  set(NAME kConfigSchema)
endif()
file(READ "${INPUT}" content)
if(NOT RAW)
  string(JSON ignored ERROR_VARIABLE json_error TYPE "${content}")
endif()
if(json_error)
  message(FATAL_ERROR "${INPUT} is not valid JSON: ${json_error}")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated from ${INPUT}; do not edit.\n#pragma once\n"
  "inline constexpr const char *${NAME} = R\"__schema__(${content})__schema__\";\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
