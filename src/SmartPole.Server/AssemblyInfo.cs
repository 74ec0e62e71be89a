[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Server.Tests")]
