// Services: a known plane and team, a unique name and a unique scrape job.
import { jobOf } from "../resolve";
import { Check, list } from "./context";

export const services: Check = ({ s, problem, inPlanes }) => {
  const teams = s.notifications.teams;
  const names = new Map<string, number>();
  const jobs = new Map<string, number>();
  s.services.forEach((svc, i) => {
    inPlanes("services", ["services", i, "plane"], svc.plane);
    if (svc.team !== undefined && !(svc.team in teams)) problem("services", ["services", i, "team"], svc.team, `is not a team of notifications.teams (teams: ${list(Object.keys(teams))})`);
    const first = names.get(svc.name);
    if (first !== undefined) problem("services", ["services", i, "name"], svc.name, `duplicates services[${first}]; service names must be unique`);
    else names.set(svc.name, i);
    const job = jobOf(svc);
    const firstJob = jobs.get(job);
    if (firstJob !== undefined && first === undefined) problem("services", ["services", i, "job"], job, `duplicates the job of services[${firstJob}]; scrape jobs must be unique`);
    else jobs.set(job, i);
  });
};
