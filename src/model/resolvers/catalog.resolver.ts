import { languageFor } from "../../context";
import type { CapacityResolvers, OnlineServiceResolvers } from "../generated/resolvers-types";

export const Capacity: CapacityResolvers = {
  name: (c, { language }, context) => c.names[languageFor(context, language)],
  onlineServices: (c, _args, { catalog }) => c.onlineServiceCodes.map((code) => catalog.onlineServices.get(code)!),
};

export const OnlineService: OnlineServiceResolvers = {
  name: (s, { language }, context) => s.names[languageFor(context, language)],
  capacities: (s, _args, { catalog }) => s.capacityCodes.map((code) => catalog.capacities.get(code)!),
};
