-- wrk script of the order scenarios: each request is POST /orders for one item of one product, with a
-- request_id of its own, since a repeated one would be answered as a replay without placing an order.
--   wrk -t1 -s bench/order.lua -H 'Authorization: Bearer ...' http://127.0.0.1:8000/orders -- <prefix> <product id>
-- The prefix must differ between runs (request ids are unique per customer, across runs too); wrk
-- runs the script once per thread, so the bench keeps to one thread.
local prefix, product = "order", "1"
local count = 0

function init(args)
    prefix = args[1] or prefix
    product = args[2] or product
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
end

function request()
    count = count + 1
    local body = string.format(
        '{"request_id":"%s-%d","description":"bench order","items":[{"product_id":%s,"quantity":1}]}',
        prefix, count, product)
    return wrk.format(nil, nil, nil, body)
end
