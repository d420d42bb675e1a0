import { createClient } from '@usher/client';

const usher = createClient({
  baseUrl: 'http://localhost:8080',
  auth: { clientId: 'my-client-id', clientSecret: 'my-client-secret', scope: ['BuyerUserReader'] },
});

// Filters complete the resource's fields; `xp.*` reaches extended properties.
const { data, error } = await usher.list('/v1/buyers/{buyerID}/users', {
  path: { buyerID: 'acme' },
  filters: { Active: true, LastName: 'Sm*', 'xp.Department': 'Sales|Support' },
  sortBy: ['LastName', 'FirstName'],
  pageSize: 50,
});
if (error) throw new Error(`${error.Errors[0]?.ErrorCode}: ${error.Errors[0]?.Message}`);
for (const user of data.Items) console.log(user.ID, user.Username, user.Email);
