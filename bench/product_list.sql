-- pgbench's reference of the product-list scenario (bench/scenarios.sh): the two statements the
-- product service runs for `GET /products?limit=25&page=2`, the page and the count, as written in
-- services/product/store/product_store.cpp (kList and kCount over product_columns.hpp), with the same
-- parameters: -M prepared binds :limit and :offset as the service binds $1 and $2. The colons of the
-- time format are written \x3A, since pgbench would take ":MI" for a variable even inside a string.
\set limit 25
\set offset 25
SELECT id, name, description, price::text, quantity, version,
    to_char(created_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\x3AMI\x3ASS.US"Z"'),
    to_char(updated_at AT TIME ZONE 'UTC', E'YYYY-MM-DD"T"HH24\x3AMI\x3ASS.US"Z"')
    FROM products WHERE deleted_at IS NULL ORDER BY created_at DESC, id DESC LIMIT :limit OFFSET :offset;
SELECT count(*) FROM products WHERE deleted_at IS NULL;
