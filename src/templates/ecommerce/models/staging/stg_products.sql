/*---
materialized: view
description: >
  Products, one row per product and load date (the newest change of that day). Categories are
  normalised through the category_map seed (FakeStore's 'jewelery' becomes 'jewelry', "men's
  clothing" becomes mens_clothing), text is trimmed.
columns:
  product_id: Natural key; the same id as the product API.
  sku: Stock keeping unit.
  product_name: Title, trimmed.
  category: Normalised category key (category_map.category); the source spelling when unmapped.
  department: Group of categories (category_map.department).
  subcategory: Sub-department.
  brand: Brand name.
  price: List price, USD.
  cost: Unit cost, USD.
  status: active or discontinued.
  launched_date: Day the product was first sold.
  updated_at: When this version was written.
  load_date: Load date of the file that brought the change.
---*/
select
  p.product_id,
  trim(p.sku) as sku,
  trim(p.name) as product_name,
  coalesce(m.category, lower(trim(p.category))) as category,
  coalesce(m.department, 'Other') as department,
  trim(p.subcategory) as subcategory,
  trim(p.brand) as brand,
  p.price,
  p.cost,
  p.status,
  p.launched_date,
  p.updated_at,
  p.load_date
from {{ ref('products') }} as p
left join {{ ref('category_map') }} as m on m.source_category = lower(trim(p.category))
