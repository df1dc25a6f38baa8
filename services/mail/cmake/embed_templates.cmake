# Writes a C++ source that holds every mail template as a byte array, so the service binary needs no
# template files at run time. Run by `cmake -P` with OUTPUT and TEMPLATES (a ;-list of files).
set(body "")
set(entries "")
foreach(file IN LISTS TEMPLATES)
    get_filename_component(name ${file} NAME)
    string(REGEX REPLACE "\\.mustache$" "" name ${name})
    string(MAKE_C_IDENTIFIER ${name} id)
    file(READ ${file} hex HEX)
    string(LENGTH "${hex}" hex_length)
    math(EXPR size "${hex_length} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n    " bytes "${bytes}")
    string(APPEND body "constexpr char k_${id}[] = {\n    ${bytes}0x00};\n")
    string(APPEND entries "    {\"${name}\", std::string_view(k_${id}, ${size})},\n")
endforeach()
set(content "// Generated at build time from services/mail/templates; do not edit.
#include <array>
#include <string_view>
#include <utility>

#include \"mail/domain/embedded_templates.hpp\"

namespace agora::mail {
namespace {
${body}
}  // namespace

std::optional<std::string_view> embedded_template(std::string_view name) {
    static constexpr std::pair<std::string_view, std::string_view> kTemplates[] = {
${entries}    };
    for (const auto& [key, text] : kTemplates) {
        if (key == name) return text;
    }
    return std::nullopt;
}

}  // namespace agora::mail
")
# Only touch the file when it changes, so an unchanged template rebuilds nothing.
if(EXISTS ${OUTPUT})
    file(READ ${OUTPUT} old)
    if(old STREQUAL content)
        return()
    endif()
endif()
file(WRITE ${OUTPUT} "${content}")
