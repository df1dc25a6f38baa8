-- pgbench's reference of the product-list scenario (bench/scenarios.sh): the two statements the
-- product service runs for `GET /products?limit=25&page=2`, the page and the count, as written in
-- services/product/store/product_store.cpp (kList and kCount over product_columns.hpp), with the same
-- parameters: -M prepared binds :limit and :offset as the service binds $1 and $2. Times are selected
-- as the service selects them, PG_MICROS of libs/pg/rows.hpp.
\set limit 25
\set offset 25
SELECT id, name, description, price::text, quantity, version,
    (date_part('epoch', created_at) * 1000000)::int8, (date_part('epoch', updated_at) * 1000000)::int8
    FROM products WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset;
SELECT count(*) FROM products WHERE deleted_at IS NULL;
