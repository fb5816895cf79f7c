// The OpenAPI document of the admin API, built by @fastify/swagger from the routes' zod schemas
// (fastify-type-provider-zod turns them into JSON Schema) and served at /api/v1/openapi.json.
// Must be registered before the routes it describes.
import type { FastifyInstance } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

export async function registerOpenApi(server: FastifyInstance): Promise<void> {
  await server.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'thutin — API quản trị / admin API',
        description:
          'Danh bạ, hộp thư, uỷ quyền, danh sách thư, phân quyền, kiểm toán, hàng đợi thư đi. ' +
          'Đăng nhập bằng POST /api/v1/auth/login rồi gửi `Authorization: Bearer <token>`. / ' +
          'Directory, mailboxes, delegations, lists, roles, audit, outbound queue. Log in with POST /api/v1/auth/login, then send `Authorization: Bearer <token>`.',
        version: '1',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    },
    transform: jsonSchemaTransform,
  });
}

export function openApiRoute(server: FastifyInstance): void {
  server.get('/api/v1/openapi.json', { config: { public: true }, schema: { tags: ['meta'], summary: 'Tài liệu OpenAPI / this document' } }, async () => server.swagger());
}
