import { defineConfig } from 'strata';

// Microsoft's Northwind Traders sample database as a CSV export, read in place from
// shared/realdata. Missing values are the literal string NULL; dates look like
// "1996-07-04 00:00:00.000"; ids with leading zeros stay text.
const data = '../../../shared/realdata/northwind';
const loadDate = { value: '1998-05-06' };
const sqlServerDate = ['%Y-%m-%d %H:%M:%S.%g'];

export default defineConfig({
  name: 'northwind',
  engine: { type: 'duckdb', path: process.env.STRATA_EXAMPLE_WAREHOUSE ?? 'warehouse.duckdb' },
  sources: {
    categories: {
      files: `${data}/categories.csv`,
      loadDate,
      contract: {
        uniqueKey: ['category_id'],
        nullValues: ['NULL'],
        // The picture column (a hex-encoded bitmap) is not part of the contract, so it stays in raw only.
        fields: {
          category_id: { type: 'integer', from: 'categoryID', required: true },
          category_name: { type: 'string', from: 'categoryName', required: true },
          description: { type: 'string' },
        },
      },
    },
    products: {
      files: `${data}/products.csv`,
      loadDate,
      contract: {
        uniqueKey: ['product_id'],
        nullValues: ['NULL'],
        fields: {
          product_id: { type: 'integer', from: 'productID', required: true },
          product_name: { type: 'string', from: 'productName', required: true },
          supplier_id: { type: 'integer', from: 'supplierID' },
          category_id: { type: 'integer', from: 'categoryID', required: true },
          quantity_per_unit: { type: 'string', from: 'quantityPerUnit' },
          list_price: { type: 'decimal', precision: 10, scale: 2, from: 'unitPrice', min: 0 },
          units_in_stock: { type: 'integer', from: 'unitsInStock', min: 0 },
          units_on_order: { type: 'integer', from: 'unitsOnOrder', min: 0 },
          reorder_level: { type: 'integer', from: 'reorderLevel', min: 0 },
          discontinued: { type: 'boolean', required: true },
        },
      },
    },
    employees: {
      files: `${data}/employees.csv`,
      loadDate,
      contract: {
        uniqueKey: ['employee_id'],
        nullValues: ['NULL'],
        fields: {
          employee_id: { type: 'integer', from: 'employeeID', required: true },
          last_name: { type: 'string', from: 'lastName', required: true },
          first_name: { type: 'string', from: 'firstName', required: true },
          title: { type: 'string' },
          title_of_courtesy: { type: 'enum', from: 'titleOfCourtesy', values: ['Mr.', 'Ms.', 'Mrs.', 'Dr.'] },
          birth_date: { type: 'date', from: 'birthDate', formats: sqlServerDate, min: '1900-01-01' },
          hire_date: { type: 'date', from: 'hireDate', formats: sqlServerDate, required: true },
          city: { type: 'string' },
          region: { type: 'string' },
          country: { type: 'string' },
          reports_to: { type: 'integer', from: 'reportsTo' },
        },
      },
    },
    customers: {
      files: `${data}/customers.csv`,
      loadDate,
      // The export's known bad lines (an unquoted comma in an address, see README.md) are
      // quarantined and reported: a warning, not a gate that stops the warehouse.
      quarantine: { severity: 'warn' },
      contract: {
        uniqueKey: ['customer_id'],
        nullValues: ['NULL'],
        fields: {
          customer_id: { type: 'string', from: 'customerID', required: true, pattern: '[A-Z]{5}' },
          company_name: { type: 'string', from: 'companyName', required: true },
          contact_name: { type: 'string', from: 'contactName' },
          city: { type: 'string' },
          region: { type: 'string' },
          postal_code: { type: 'string', from: 'postalCode' },
          country: { type: 'string', required: true },
        },
      },
    },
    orders: {
      files: `${data}/orders.csv`,
      loadDate,
      // The export's known bad lines (an unquoted comma in an address, see README.md) are
      // quarantined and reported: a warning, not a gate that stops the warehouse.
      quarantine: { severity: 'warn' },
      contract: {
        uniqueKey: ['order_id'],
        nullValues: ['NULL'],
        fields: {
          order_id: { type: 'integer', from: 'orderID', required: true },
          customer_id: { type: 'string', from: 'customerID', required: true, pattern: '[A-Z]{5}' },
          employee_id: { type: 'integer', from: 'employeeID', required: true },
          order_date: { type: 'date', from: 'orderDate', formats: sqlServerDate, required: true },
          required_date: { type: 'date', from: 'requiredDate', formats: sqlServerDate },
          // NULL until the order ships.
          shipped_date: { type: 'date', from: 'shippedDate', formats: sqlServerDate },
          shipper_id: { type: 'integer', from: 'shipVia', min: 1, max: 3 },
          freight: { type: 'decimal', precision: 10, scale: 2, min: 0 },
          ship_city: { type: 'string', from: 'shipCity' },
          ship_region: { type: 'string', from: 'shipRegion' },
          ship_country: { type: 'string', from: 'shipCountry' },
        },
      },
    },
    order_details: {
      files: `${data}/order-details.csv`,
      loadDate,
      contract: {
        uniqueKey: ['order_id', 'product_id'],
        fields: {
          order_id: { type: 'integer', from: 'orderID', required: true },
          product_id: { type: 'integer', from: 'productID', required: true },
          // The price charged on this order, not the product's current list price.
          unit_price: { type: 'decimal', precision: 10, scale: 2, from: 'unitPrice', required: true, min: 0 },
          quantity: { type: 'integer', required: true, min: 1 },
          // A fraction: 0.15 is 15 % off.
          discount: { type: 'decimal', precision: 4, scale: 2, required: true, min: 0, max: 1 },
        },
      },
    },
  },
});
