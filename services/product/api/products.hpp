#pragma once
// The product routes of docs/contract.md, one class per route. Reads are public; changes and history need an admin.
#include "context.hpp"
#include "http/message.hpp"

namespace agora::product {

// The public path of the list, for paging links.
inline constexpr std::string_view kProductsPath = "/products";

class ListProducts {  // GET /products?name=&description=&limit=&page=
public:
    explicit ListProducts(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class GetProduct {  // GET /products/{id}
public:
    explicit GetProduct(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class CreateProduct {  // POST /products (admin)
public:
    explicit CreateProduct(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class UpdateProduct {  // PUT /products/{id} (admin)
public:
    explicit UpdateProduct(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class DeleteProduct {  // DELETE /products/{id} (admin)
public:
    explicit DeleteProduct(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class ProductHistory {  // GET /products/{id}/history (admin)
public:
    explicit ProductHistory(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::product
