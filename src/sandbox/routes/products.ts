import { crud } from '../crud.js';
import { notFound, ok } from '../http.js';
import { numberParam } from '../paging.js';
import { matchesText } from '../text.js';
import type { SandboxRouter } from '../router.js';
import { validate } from '../validate.js';

const PRODUCT_TYPES = ['DIGITAL', 'PHYSICAL', 'SERVICE', 'PHYSICAL/DIGITAL'] as const;

/** Products and their prices (Mongo-style `_id`s; limit/offset paging). */
export function productRoutes(router: SandboxRouter): void {
  const { store, locationId } = router.context;
  const products = store.collection('products');
  const prices = store.collection('prices');
  const productOf = (params: Record<string, string>) => {
    if (!products.get(params.productId!)) throw notFound('Product not found');
    return { product: params.productId, locationId };
  };

  router
    .on('GET /products/', ({ query }) => {
      const limit = numberParam(query, 'limit', 10, 100);
      const offset = numberParam(query, 'offset', 0);
      const ids = query.getAll('productIds').flatMap((value) => value.split(','));
      const matching = products.filter((product) => matchesText(product, query.get('search'), ['name', 'description']) && (ids.length === 0 || ids.includes(product._id)));
      return ok({ products: matching.slice(offset, offset + limit), total: [{ total: matching.length }] });
    })
    .on('GET /products/{productId}/price', ({ params, query }) => {
      const scope = productOf(params);
      const limit = numberParam(query, 'limit', 10, 100);
      const offset = numberParam(query, 'offset', 0);
      const ids = query.get('ids')?.split(',');
      const matching = prices.filter((price) => price.product === scope.product && (!ids || ids.includes(price._id)));
      return ok({ prices: matching.slice(offset, offset + limit), total: matching.length });
    });

  crud(router, {
    collection: 'products',
    listPath: '/products/',
    itemPath: '/products/{productId}',
    label: 'Product',
    scope: () => ({ locationId }),
    rules: { name: ['required', 'string'], productType: ['required', PRODUCT_TYPES], description: ['string'], image: ['string'], availableInStore: ['boolean'] },
    fields: ['name', 'productType', 'description', 'image', 'statementDescriptor', 'availableInStore', 'variants', 'collectionIds', 'taxes', 'slug', 'medias'],
    stamps: { added: 'createdAt', updated: 'updatedAt' },
    deleted: { status: true },
    only: ['get', 'create', 'update'],
  });
  router.on('DELETE /products/{productId}', ({ params }) => {
    productOf(params);
    products.remove(params.productId!);
    for (const price of prices.filter((item) => item.product === params.productId)) prices.remove(price._id);
    return ok({ status: true });
  });
  crud(router, {
    collection: 'prices',
    listPath: '/products/{productId}/price',
    itemPath: '/products/{productId}/price/{priceId}',
    label: 'Price',
    scope: productOf,
    rules: {
      name: ['required', 'string'],
      type: ['required', ['one_time', 'recurring']],
      currency: ['required', 'string'],
      amount: ['required', 'number'],
      recurring: ['object'],
      locationId: ['required', 'string'],
    },
    fields: ['name', 'type', 'currency', 'amount', 'recurring', 'description', 'compareAtPrice', 'trackInventory', 'availableQuantity', 'allowOutOfStockPurchases', 'sku', 'setupFee', 'trialPeriod', 'totalCycles'],
    build: (body, price) => {
      if (price.type === 'recurring') validate(price, { recurring: ['required', 'object'] });
      if (body.type === 'one_time') delete price.recurring;
    },
    stamps: { added: 'createdAt', updated: 'updatedAt' },
    deleted: { status: true },
    only: ['get', 'create', 'update', 'delete'],
  });
}
