# Helpers that give every library, service and test the same shape.
find_package(Boost 1.81.0 EXACT CONFIG REQUIRED COMPONENTS json url)
find_package(Threads REQUIRED)
find_package(GTest REQUIRED)
include(GoogleTest)

# agora_library(<name> SOURCES ... [DEPS ...]) -> target agora_<name>, alias agora::<name>.
# Headers are included as "<name>/<file>.hpp" from the libs/ root.
function(agora_library name)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    if(ARG_SOURCES)
        add_library(agora_${name} STATIC ${ARG_SOURCES})
        target_include_directories(agora_${name} PUBLIC ${CMAKE_SOURCE_DIR}/libs)
        target_link_libraries(agora_${name} PUBLIC ${ARG_DEPS})
    else()
        add_library(agora_${name} INTERFACE)
        target_include_directories(agora_${name} INTERFACE ${CMAKE_SOURCE_DIR}/libs)
        target_link_libraries(agora_${name} INTERFACE ${ARG_DEPS})
    endif()
    add_library(agora::${name} ALIAS agora_${name})
endfunction()

# The services allocate through mimalloc (docs/adr/0009-mimalloc.md). Sanitized builds keep the C
# library's allocator, which AddressSanitizer replaces with its own.
if(NOT AGORA_SANITIZE)
    find_library(AGORA_MIMALLOC NAMES mimalloc REQUIRED)
endif()

# agora_service(<target> SOURCES ... DEPS ...) -> a service's executable.
function(agora_service target)
    cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
    add_executable(${target} ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE ${ARG_DEPS})
    if(AGORA_MIMALLOC)
        # After the other libraries, before the C library: mimalloc's malloc and free are the ones bound.
        target_link_libraries(${target} PRIVATE ${AGORA_MIMALLOC})
    endif()
endfunction()

# agora_test(<target> SOURCES ... DEPS ... LABEL unit|integration|e2e [TIMEOUT s])
# The tier is also in the file name: *_test.cpp (unit, no I/O), *_it.cpp (real servers).
function(agora_test target)
    cmake_parse_arguments(ARG "" "LABEL;TIMEOUT" "SOURCES;DEPS" ${ARGN})
    add_executable(${target} ${ARG_SOURCES})
    target_link_libraries(${target} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
    add_test(NAME ${target} COMMAND ${target})
    if(NOT ARG_TIMEOUT)
        set(ARG_TIMEOUT 300)
    endif()
    set_tests_properties(${target} PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT})
endfunction()

# agora_embed_text(<target> <file> <namespace> <function>) compiles <file> into <target> as
# `std::string_view <namespace>::<function>()`. Editing the file re-runs the generation.
function(agora_embed_text target file namespace function)
    get_filename_component(path ${file} ABSOLUTE)
    file(READ ${path} text)
    string(FIND "${text}" ")agora_text\"" clash)
    if(NOT clash EQUAL -1)
        message(FATAL_ERROR "${path} contains the raw-string delimiter )agora_text\"")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${path})
    get_filename_component(name ${file} NAME)
    string(MAKE_C_IDENTIFIER "${function}_${name}" stem)
    set(out ${CMAKE_CURRENT_BINARY_DIR}/embedded/${stem}.cpp)
    file(CONFIGURE OUTPUT ${out} CONTENT
"// Generated from ${name} by agora_embed_text; edit the source file instead.
#include <string_view>

namespace ${namespace} {
std::string_view ${function}() {
    return R\"agora_text(@text@)agora_text\";
}
}  // namespace ${namespace}
" @ONLY)
    target_sources(${target} PRIVATE ${out})
endfunction()
