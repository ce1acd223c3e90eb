/*---
materialized: table
description: Products with their category.
unique_key: product_id
---*/
select
  p.product_id,
  p.product_name,
  p.category_id,
  c.category_name,
  p.supplier_id,
  p.list_price,
  p.discontinued
from {{ ref('products') }} as p
left join {{ ref('categories') }} as c on c.category_id = p.category_id
