import { createClient, ListPageError } from '@usher/client';

const usher = createClient({
  baseUrl: 'http://localhost:8080',
  auth: { clientId: 'my-client-id', clientSecret: 'my-client-secret' },
});

// Every operation is typed from openapi.yaml: path parameters, bodies, answers and error bodies.
const created = await usher.POST('/v1/buyers', { body: { ID: 'acme', Name: 'Acme Corp', xp: { Region: 'EU' } } });
if (created.error) {
  // OrderCloud's error shape: { Errors: [{ ErrorCode, Message, Data }] }
  const [first] = created.error.Errors;
  if (first?.ErrorCode === 'IdExists') console.log('acme exists already');
}

const acme = await usher.GET('/v1/buyers/{buyerID}', { params: { path: { buyerID: 'acme' } } });
console.log(acme.data?.Name, acme.response.status);

// Every page, one request at a time, until Meta.TotalPages.
try {
  for await (const page of usher.listAll('/v1/buyers', { filters: { Active: true }, pageSize: 100 })) {
    console.log(`page ${page.Meta.Page}/${page.Meta.TotalPages}`, page.Items.length);
  }
} catch (error) {
  if (error instanceof ListPageError) console.log(error.response.status, error.error);
  else throw error;
}
