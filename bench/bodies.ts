// The request bodies of the benchmark's lifecycle (bench/load.ts) and of the reads scenario's
// template order (bench/run.ts).

export const CHECKOUT = {
  currency: 'USD',
  email: 'bench@example.com',
  billTo: {
    name: 'Bench Shopper',
    address: {
      line1: '10380 Bren Road West',
      city: 'Minnetonka',
      postalCode: '55343',
      state: 'MN',
      country: 'US',
    },
  },
  items: [{ productDetails: { name: 'E-book', id: 'ebook' }, price: 19.99, quantity: 1 }],
};
export const CARD = {
  type: 'creditCard',
  creditCard: { number: '4444222233331111', expirationMonth: 7, expirationYear: 2031, cvv: '123' },
};
