// The signed-in staff member: role and district decide what the workspace offers.
import { roleNames as taskRoleNames } from '../../../processes/catalogue/types.ts';
import { Api, type Answer } from '../shared/api.ts';

export type Staff = Answer<'/api/auth/staff/token', 'post'>['staff'];

export const api = new Api('shahrdari.staffSession');

export function staff(): Staff | null {
  return (api.session?.staff as Staff | undefined) ?? null;
}

/** The catalogue's roles (the deputies, crews and the rest), and the workspace's own. */
export const roleNames: Record<string, string> = {
  ...taskRoleNames,
  analyst: 'تحلیلگر فرایند',
  'agent-137': 'کارشناس ۱۳۷',
  admin: 'مدیر سامانه',
};

/** Who works the task list; 137 agents file and look up, managers also read the figures. */
export const canWorkTasks = (role: string) => ['clerk', 'inspector', 'manager', 'admin'].includes(role);
export const canFileForCitizens = (role: string) => ['agent-137', 'clerk'].includes(role);
/** Who records at the counter whether citizens came to their appointments. */
export const canKeepCounter = (role: string) => ['clerk', 'manager'].includes(role);
export const canReadFigures = (role: string) => ['manager', 'analyst', 'admin'].includes(role);
