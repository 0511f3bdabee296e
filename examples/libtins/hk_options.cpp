// Parse the Handover Key Request (27) and Reply (28) options of RFC 5269 §4
// with libtins, an independent C++ packet library, for comparison with the
// rfc5269 codec (tests/vectors/test_vectors_libtins.py).
//
// Input: one whole IPv6 packet per line, in hex, on stdin.
// Output: one JSON object per line:
//   {"index": N, "ipv6": true|false, "icmpv6_type": T, "native_options": K,
//    "options": [{"type": 27, "at": A, "key": "hex"} |
//                {"type": 28, "at": A, "lifetime": L, "key": "hex"}],
//    "error": "..."}
// libtins parses ICMPv6 options only for the message types it knows; FMIPv6
// messages (type 154, RFC 5568 §6.1) are not among them (native_options is
// then 0). The option area of an RtSolPr or PrRtAdv starts after an 8-octet
// header, as a Router Solicitation's does, so the program also hands the same
// octets to libtins as a Router Solicitation (type 133) and reads the
// Handover Key options through libtins' own option getters.
#include <tins/tins.h>

#include <cstdint>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

using namespace Tins;

static std::vector<uint8_t> from_hex(const std::string& text) {
    std::vector<uint8_t> out;
    for (size_t i = 0; i + 1 < text.size(); i += 2) {
        out.push_back(static_cast<uint8_t>(std::stoi(text.substr(i, 2), nullptr, 16)));
    }
    return out;
}

static std::string to_hex(const std::vector<uint8_t>& data) {
    static const char* digits = "0123456789abcdef";
    std::string out;
    for (uint8_t b : data) {
        out += digits[b >> 4];
        out += digits[b & 15];
    }
    return out;
}

static std::string json_escape(const std::string& s) {
    std::string out;
    for (char c : s) {
        if (c == '"' || c == '\\') out += '\\';
        if (static_cast<unsigned char>(c) >= 0x20) out += c;
    }
    return out;
}

int main() {
    std::string line;
    int index = 0;
    while (std::getline(std::cin, line)) {
        std::ostringstream out;
        out << "{\"index\": " << index++;
        std::vector<uint8_t> packet = from_hex(line);
        try {
            IPv6 ip(packet.data(), static_cast<uint32_t>(packet.size()));
            out << ", \"ipv6\": true";
            const ICMPv6* icmp = ip.find_pdu<ICMPv6>();
            if (icmp == nullptr) {
                out << ", \"icmpv6_type\": null, \"options\": []}";
                std::cout << out.str() << std::endl;
                continue;
            }
            out << ", \"icmpv6_type\": " << static_cast<int>(icmp->type())
                << ", \"native_options\": " << icmp->options().size();
            // The ICMPv6 octets: the packet's tail of the ICMPv6 PDU's size.
            uint32_t size = icmp->size();
            std::vector<uint8_t> body(packet.end() - size, packet.end());
            body[0] = ICMPv6::ROUTER_SOLICIT;
            ICMPv6 as_rs(body.data(), static_cast<uint32_t>(body.size()));
            std::ostringstream opts;
            bool first = true;
            for (const ICMPv6::option& opt : as_rs.options()) {
                if (opt.option() == ICMPv6::HANDOVER_KEY_REQ) {
                    ICMPv6::handover_key_req_type v =
                        ICMPv6::handover_key_req_type::from_option(opt);
                    opts << (first ? "" : ", ") << "{\"type\": 27, \"at\": "
                        << static_cast<int>(static_cast<uint8_t>(v.AT)) << ", \"key\": \""
                        << to_hex(v.key) << "\"}";
                    first = false;
                } else if (opt.option() == ICMPv6::HANDOVER_KEY_REPLY) {
                    ICMPv6::handover_key_reply_type v =
                        ICMPv6::handover_key_reply_type::from_option(opt);
                    opts << (first ? "" : ", ") << "{\"type\": 28, \"at\": "
                        << static_cast<int>(static_cast<uint8_t>(v.AT))
                        << ", \"lifetime\": " << v.lifetime << ", \"key\": \""
                        << to_hex(v.key) << "\"}";
                    first = false;
                }
            }
            out << ", \"options\": [" << opts.str() << "]}";
        } catch (const std::exception& e) {
            out << ", \"error\": \"" << json_escape(e.what()) << "\"}";
        }
        std::cout << out.str() << std::endl;
    }
    return 0;
}
