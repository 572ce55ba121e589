#include "detail/body_reader.hpp"

#include <vector>

#include <boost/asio/ssl/error.hpp>

namespace ktk::client::rest::detail {

namespace {

class beast_body_reader final : public body_reader {
 public:
  beast_body_reader(std::unique_ptr<connection> conn, std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> p)
      : conn_(std::move(conn)), p_(std::move(p)), buf_(256 * 1024) {}

  ~beast_body_reader() override {
    // Closes the socket and runs the cancelled read while the parser is still alive.
    conn_.reset();
  }

  chunk read(std::stop_token stop, std::optional<std::chrono::steady_clock::time_point> deadline) override {
    for (;;) {
      if (!failure_.empty()) return {.st = status::failed, .error = failure_};
      if (p_->is_done()) return {.st = status::end};
      if (!op_) {
        p_->get().body().data = buf_.data();
        p_->get().body().size = buf_.size();
        op_ = std::make_shared<pending_op>();
        conn_->start_read_some(*p_, op_);
      }
      if (!conn_->run_until(*op_, deadline, stop)) return {.st = status::waiting};
      auto op = std::move(op_);
      const std::size_t n = buf_.size() - p_->get().body().size;
      if (op->ec && op->ec != bhttp::error::need_buffer) {
        failure_ = op->ec == bhttp::error::partial_message || op->ec == net::error::eof ||
                           op->ec == net::ssl::error::stream_truncated
                       ? "unexpected EOF"
                       : op->ec.message();
      }
      if (n > 0) return {.st = status::data, .data = std::string_view(buf_.data(), n)};
    }
  }

 private:
  std::unique_ptr<connection> conn_;
  std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> p_;
  std::vector<char> buf_;
  std::shared_ptr<pending_op> op_;  // the read in flight, if any
  std::string failure_;
};

}  // namespace

std::unique_ptr<body_reader> make_body_reader(std::unique_ptr<connection> conn,
                                              std::unique_ptr<bhttp::response_parser<bhttp::buffer_body>> p) {
  return std::make_unique<beast_body_reader>(std::move(conn), std::move(p));
}

}  // namespace ktk::client::rest::detail
