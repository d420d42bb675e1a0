import { createClient } from '@usher/client';

const usher = createClient({
  baseUrl: 'http://localhost:8080',
  auth: { clientId: 'my-client-id', clientSecret: 'my-client-secret', scope: ['BuyerReader'] },
});

// Filters complete the resource's fields; `xp.*` reaches extended properties.
const { data, error } = await usher.list('/v1/buyers', {
  filters: { Active: true, Name: 'Ac*', 'xp.Region': 'EU|US' },
  sortBy: ['!Name'],
  pageSize: 50,
});
if (error) throw new Error(`${error.Errors[0]?.ErrorCode}: ${error.Errors[0]?.Message}`);
for (const buyer of data.Items) console.log(buyer.ID, buyer.Name);
