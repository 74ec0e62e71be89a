[assembly: System.Runtime.CompilerServices.InternalsVisibleTo("SmartPole.Mqtt.Tests")]
