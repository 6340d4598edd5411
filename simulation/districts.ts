// Residents per district of Mashhad, the configuration capacity planning
// scales demand by. Sources: the 2016 national census counted 3,001,184 in the
// city (Statistical Centre of Iran, as quoted by the city's public profiles);
// the municipality's profile names district 2 the most populous (about
// 480,000) and district 9 the largest in area. Every other figure here is an
// ASSUMPTION that only keeps the total near the census: replace them with the
// municipality's statistical yearbook (آمارنامه شهر مشهد) before planning a
// rollout on them.
export interface DistrictPopulation { id: number; name: string; population: number; source: 'census' | 'assumed' }

export const districtPopulations: DistrictPopulation[] = [
  { id: 1, name: 'منطقه ۱', population: 160_000, source: 'assumed' },
  { id: 2, name: 'منطقه ۲', population: 480_000, source: 'census' },
  { id: 3, name: 'منطقه ۳', population: 330_000, source: 'assumed' },
  { id: 4, name: 'منطقه ۴', population: 260_000, source: 'assumed' },
  { id: 5, name: 'منطقه ۵', population: 200_000, source: 'assumed' },
  { id: 6, name: 'منطقه ۶', population: 220_000, source: 'assumed' },
  { id: 7, name: 'منطقه ۷', population: 280_000, source: 'assumed' },
  { id: 8, name: 'منطقه ۸', population: 70_000, source: 'assumed' },
  { id: 9, name: 'منطقه ۹', population: 300_000, source: 'assumed' },
  { id: 10, name: 'منطقه ۱۰', population: 230_000, source: 'assumed' },
  { id: 11, name: 'منطقه ۱۱', population: 180_000, source: 'assumed' },
  { id: 12, name: 'منطقه ۱۲', population: 100_000, source: 'assumed' },
  { id: 13, name: 'منطقه ۱۳', population: 150_000, source: 'assumed' },
  { id: 14, name: 'منطقه ثامن', population: 35_000, source: 'assumed' },
];

export function populationOf(districtId: number): number {
  const district = districtPopulations.find((candidate) => candidate.id === districtId);
  if (!district) throw new RangeError(`no population is configured for district ${districtId}`);
  return district.population;
}
