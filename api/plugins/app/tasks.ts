// The staff task list (domain/user-tasks/task-list.ts) on the instance.
import fp from 'fastify-plugin';
import { createTaskList, type TaskList } from '../../../domain/user-tasks/task-list.ts';

declare module 'fastify' {
  interface FastifyInstance {
    tasks: TaskList;
  }
}

export default fp(async (app) => {
  app.decorate('tasks', createTaskList(app.db, app.zeebe));
}, { name: 'tasks', dependencies: ['context', 'problems'] });
