global using Accountability.Domain.Common;
global using Accountability.Domain.Tests.Support;
global using static Accountability.Domain.Tests.Support.World;
