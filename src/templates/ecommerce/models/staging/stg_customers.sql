/*---
materialized: view
description: >
  Customers, one row per customer and load date (the newest change of that day). No personal data
  leaves this model: the e-mail is reduced to a hash (joins and distinct counts still work), names
  and phone numbers are dropped. City whitespace is collapsed; the region comes from the
  country_regions seed. A customer that only order lines name (no customers feed, or one that
  lacks it) is added once, from its first order: its shipping city and country, signed up the
  day of that order, no segment, loaded with the first load date that names it.
columns:
  customer_id: Natural key from the source system.
  email_hash: md5 of the trimmed, lower-cased e-mail address.
  has_phone: Whether the customer gave a phone number.
  segment: Marketing segment (vip, regular, occasional).
  city: Shipping city, trimmed, inner whitespace collapsed.
  country: ISO 3166-1 alpha-2 code.
  region: Sales region of the country (North America, Europe, ...); 'Unknown' when unmapped.
  signup_date: Day the customer registered.
  marketing_opt_in: Consent to marketing e-mail; false when not given.
  updated_at: When this version of the customer was written.
  load_date: Load date of the file that brought the change.
---*/
select
  c.customer_id,
  md5(lower(trim(c.email))) as email_hash,
  c.phone is not null as has_phone,
  c.segment,
  trim(regexp_replace(c.city, '\s+', ' ', 'g')) as city,
  c.country,
  coalesce(r.region, 'Unknown') as region,
  c.signup_date,
  coalesce(c.marketing_opt_in, false) as marketing_opt_in,
  c.updated_at,
  c.load_date
from {{ ref('customers') }} as c
left join {{ ref('country_regions') }} as r on r.country = c.country
union all
select
  f.customer_id,
  cast(null as varchar),
  false,
  cast(null as varchar),
  trim(regexp_replace(f.shipping_city, '\s+', ' ', 'g')),
  f.shipping_country,
  coalesce(r.region, 'Unknown'),
  cast(f.placed_at as date),
  false,
  f.placed_at,
  f.first_load_date
from (
  select
    l.customer_id,
    l.shipping_city,
    l.shipping_country,
    l.placed_at,
    min(l.load_date) over (partition by l.customer_id) as first_load_date,
    row_number() over (
      partition by l.customer_id order by l.placed_at, l.load_date, l._source_file, l._record_position
    ) as nth
  from {{ ref('order_lines') }} as l
  where l.customer_id is not null
    and not exists (select 1 from {{ ref('customers') }} as c where c.customer_id = l.customer_id)
) as f
left join {{ ref('country_regions') }} as r on r.country = f.shipping_country
where f.nth = 1
