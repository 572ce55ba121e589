// rest/detail/body_reader.hpp — the body_reader of a streaming answer over a connection.
#pragma once

#include <memory>

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>

#include "connection.hpp"
#include "transport.hpp"

namespace ktk::client::rest::detail {

// Reads the body of the answer whose header `p` holds, as it arrives, into a buffer of
// its own (256 KiB per read at most). Owns the connection; closing it ends the stream.
std::unique_ptr<body_reader> make_body_reader(std::unique_ptr<connection> conn,
                                              std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> p);

}  // namespace ktk::client::rest::detail
